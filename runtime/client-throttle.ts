/**
 * A token bucket per client (IP address) for `orca serve`'s public routes: each client may make
 * `burst` requests at once, then `perSecond` a second. A mail client opens one pixel per message
 * and a reader clicks at human speed; a script hammering the links gets 429. At most `maxClients`
 * buckets are kept (the least recently used go first), so many clients cannot exhaust memory.
 */
export interface ThrottleOptions {
  perSecond: number;
  burst: number;
  maxClients?: number;
  now?: () => number;
}

export class ClientThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly o: ThrottleOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Takes a token for `client`: 0 when allowed, else the seconds to wait (Retry-After). */
  take(client: string): number {
    const now = this.now();
    const b = this.buckets.get(client) ?? { tokens: this.o.burst, at: now };
    this.buckets.delete(client);
    b.tokens = Math.min(this.o.burst, b.tokens + ((now - b.at) / 1000) * this.o.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    if (this.buckets.size > (this.o.maxClients ?? 10_000)) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.o.perSecond));
  }
}
