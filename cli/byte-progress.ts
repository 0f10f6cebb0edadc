/**
 * The progress of a transfer (an upload, a download) on stderr: on a terminal a line redrawn in
 * place (bytes, percentage, rate) for files large enough to take a moment, then always one final
 * line: the bytes and the seconds it took.
 */

/** Bytes for people: 980 B, 12.3 KB, 4.5 MB, 1.2 GB (decimal units, as S3 and the API's limits count). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Below this size no live line is drawn: the final line comes at once. */
const LIVE_FROM_BYTES = 1_000_000;
const REDRAW_MS = 200;

export interface ByteProgressOptions {
  /** What is moving: "uploading prices.csv". */
  label: string;
  /** What the final line says it did: "uploaded prices.csv". */
  done: string;
  total: number | undefined;
  tty: boolean;
  write: (s: string) => void;
  clock?: () => number;
}

export class ByteProgress {
  private bytes = 0;
  private drawn = 0;
  private live = false;
  private readonly clock: () => number;
  private readonly started: number;

  constructor(private readonly o: ByteProgressOptions) {
    this.clock = o.clock ?? Date.now;
    this.started = this.clock();
    this.drawn = this.started;
  }

  add(n: number): void {
    this.bytes += n;
    if (!this.o.tty || (this.o.total ?? this.bytes) < LIVE_FROM_BYTES) return;
    const now = this.clock();
    if (now - this.drawn < REDRAW_MS) return;
    this.drawn = now;
    this.live = true;
    const seconds = (now - this.started) / 1000;
    const of = this.o.total
      ? ` of ${formatBytes(this.o.total)} (${Math.floor((100 * this.bytes) / this.o.total)}%)`
      : '';
    const rate = seconds > 0 ? `, ${formatBytes(Math.round(this.bytes / seconds))}/s` : '';
    this.o.write(`\r\x1b[K${this.o.label}: ${formatBytes(this.bytes)}${of}${rate}`);
  }

  /** Clears the live line (after a failure, before the error is printed). */
  clear(): void {
    if (this.live) this.o.write('\r\x1b[K');
    this.live = false;
  }

  /** The final line: "uploaded prices.csv: 1,234 bytes in 0.2 s". */
  finish(): { bytes: number; seconds: number } {
    this.clear();
    const seconds = (this.clock() - this.started) / 1000;
    this.o.write(`${this.o.done}: ${this.bytes.toLocaleString('en-US')} bytes in ${seconds.toFixed(1)} s\n`);
    return { bytes: this.bytes, seconds };
  }
}
