/**
 * A transfer's progress on stderr: on a terminal, a live line for a file of 1 MB or more, redrawn at
 * most every 200 ms and cleared before the final line; otherwise only the final line (bytes and
 * seconds). Bytes for people in decimal units.
 */
import { describe, expect, it } from 'vitest';
import { ByteProgress, formatBytes } from './byte-progress.js';

function progress(total: number, tty: boolean) {
  let now = 1_000;
  const out: string[] = [];
  const p = new ByteProgress({
    label: 'uploading big.csv',
    done: 'uploaded big.csv',
    total,
    tty,
    write: (s) => out.push(s),
    clock: () => now,
  });
  return { p, out, at: (ms: number) => (now = 1_000 + ms) };
}

describe('ByteProgress', () => {
  it('on a terminal: a live line redrawn at most every 200 ms, cleared before the final line', () => {
    const { p, out, at } = progress(4_000_000, true);
    at(100);
    p.add(1_000_000);
    expect(out).toEqual([]);
    at(500);
    p.add(1_000_000);
    at(600);
    p.add(500_000);
    expect(out).toEqual(['\r\x1b[Kuploading big.csv: 2.0 MB of 4.0 MB (50%), 4.0 MB/s']);
    at(2_000);
    p.add(1_500_000);
    expect(out.at(-1)).toBe('\r\x1b[Kuploading big.csv: 4.0 MB of 4.0 MB (100%), 2.0 MB/s');
    expect(p.finish()).toEqual({ bytes: 4_000_000, seconds: 2 });
    expect(out.slice(-2)).toEqual(['\r\x1b[K', 'uploaded big.csv: 4,000,000 bytes in 2.0 s\n']);
  });

  it('not a terminal, or a small file: the final line only', () => {
    for (const [total, tty] of [
      [4_000_000, false],
      [999_999, true],
    ] as const) {
      const { p, out, at } = progress(total, tty);
      at(300);
      p.add(total);
      at(1_250);
      p.finish();
      expect(out).toEqual([`uploaded big.csv: ${total.toLocaleString('en-US')} bytes in 1.3 s\n`]);
    }
  });

  it('formatBytes', () => {
    expect([980, 1_000, 12_345, 4_500_000, 123_000_000, 1_200_000_000].map(formatBytes)).toEqual([
      '980 B',
      '1.0 KB',
      '12 KB',
      '4.5 MB',
      '123 MB',
      '1.2 GB',
    ]);
  });
});
