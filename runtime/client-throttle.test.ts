/** The public routes' per-client token bucket, on a clock the test moves. */
import { describe, expect, it } from 'vitest';
import { ClientThrottle } from './client-throttle.js';

describe('ClientThrottle', () => {
  it('allows the burst, then the rate; each client has its own bucket', () => {
    let t = 0;
    const throttle = new ClientThrottle({ perSecond: 2, burst: 3, now: () => t });
    expect([1, 2, 3].map(() => throttle.take('a'))).toEqual([0, 0, 0]);
    // Empty: one token comes back every 500 ms, so the wait is rounded up to 1 s.
    expect(throttle.take('a')).toBe(1);
    expect(throttle.take('b')).toBe(0);
    t = 500;
    expect(throttle.take('a')).toBe(0);
    expect(throttle.take('a')).toBe(1);
    // Refilled to the burst, never beyond it.
    t = 60_000;
    expect([1, 2, 3, 4].map(() => throttle.take('a'))).toEqual([0, 0, 0, 1]);
  });

  it('keeps at most maxClients buckets, dropping the least recently used', () => {
    const t = 0;
    const throttle = new ClientThrottle({ perSecond: 1, burst: 1, maxClients: 2, now: () => t });
    expect(throttle.take('a')).toBe(0);
    expect(throttle.take('b')).toBe(0);
    expect(throttle.take('c')).toBe(0);
    // 'a' was dropped: it starts again with a full bucket; 'c' was kept: empty.
    expect(throttle.take('a')).toBe(0);
    expect(throttle.take('c')).toBe(1);
  });
});
