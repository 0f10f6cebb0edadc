/** The cost of an export job, worked out by hand (cost-exports.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/helpers/capture.js';
import { PRICES } from './cost.js';
import { estimateExportCost } from './cost-exports.js';

const MiB = 1024 ** 2;
// A table of 1M rows in 100 MiB of Parquet, 10 columns, 5 of them exported.
const sizes = { rows: 1_000_000, bytes: 100 * MiB, columns: 10, exported: 5 };

describe('estimateExportCost', () => {
  it('CSV: the count (the 10 MB minimum) and the UNLOAD of half the columns; the text streamed in 8 MiB parts', () => {
    const e = estimateExportCost({ format: 'csv' }, sizes);
    // 10 MiB + 100 MiB × 5/10.
    expect(e.athenaBytes).toBe(62_914_560);
    // 1M rows × 5 fields × 12 bytes.
    expect(e.fileBytes).toBe(60_000_000);
    const line = (start: string) => e.lines.find((l) => l.item.startsWith(start))!;
    expect(line('Athena').quantity).toBe('0.06 GB in 2 queries');
    expect(line('Athena').usd).toBeCloseTo((62_914_560 / 1024 ** 4) * 5, 15);
    expect(line('Step Functions').quantity).toBe('8');
    expect(line('Lambda requests').quantity).toBe('3');
    // 3 s + 2 queries × 3 s + 60 MiB / 500 MiB/s + 60,000,000 B / 40 MiB/s = 10.5505 s at 1 GB.
    expect(line('Lambda compute').quantity).toBe('10.6 GB-s');
    expect(line('Lambda compute').usd).toBeCloseTo(
      (3 + 6 + 62_914_560 / (500 * MiB) + 60_000_000 / (40 * MiB)) * PRICES.lambdaGbSecond,
      12,
    );
    // PUT: 1 UNLOAD file, 4 result files, 8 parts + create and complete, the removal's 2; GET: 8 + 1 + 1.
    expect(line('S3').quantity).toBe('17 / 10');
    // By hand: 8 transitions, 3 requests, 10.5505 GB-s, 60 MiB scanned, 9 writes and 7 reads, 17 PUT and 10 GET.
    expect(line('DynamoDB').quantity).toBe('9 / 7');
    expect(e.total).toBeCloseTo(0.000729376, 9);
  });

  it('Parquet: the file is about what was read, copied (no streaming through the function)', () => {
    const e = estimateExportCost({ format: 'parquet' }, sizes);
    expect(e.fileBytes).toBe(50 * MiB);
    const line = (start: string) => e.lines.find((l) => l.item.startsWith(start))!;
    expect(line('Lambda compute').quantity).toBe('9.1 GB-s');
    expect(line('S3').quantity).toBe('8 / 9');
  });

  it('a big export: one UNLOAD file per 128 MiB, every query at least the minimum', () => {
    const e = estimateExportCost(
      { format: 'parquet' },
      { rows: 100_000_000, bytes: 10 * 1024 * MiB, columns: 4, exported: 4 },
    );
    expect(e.athenaBytes).toBe(10 * MiB + 10 * 1024 * MiB);
    // 80 files copied.
    expect(e.lines.find((l) => l.item.startsWith('S3'))!.quantity).toBe(`${80 + 4 + 80 + 2} / 9`);
    const tiny = estimateExportCost({ format: 'csv' }, { rows: 10, bytes: 1000, columns: 2, exported: 2 });
    expect(tiny.athenaBytes).toBe(20 * MiB);
  });
});

describe('orca cost EXPORT.yaml', () => {
  it('an export job file is priced as an export: its rows, the exported columns of the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orca-cost-'));
    const file = join(dir, 'recipients-export.yaml');
    writeFileSync(file, 'table: recipients\nformat: parquet\ncolumns: [id, email]\n');
    const r = await capture(['cost', file, '--profiles', '1000000', '--data', '/nonexistent', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.sizes).toMatchObject({ rows: 1_000_000, exported: 2 });
    expect(j.lines.find((l: { item: string }) => l.item.startsWith('Lambda requests')).quantity).toBe('3');
    const bad = await capture(['cost', file.replace('recipients-export', 'none'), '--profiles', '10']);
    expect(bad.code).not.toBe(0);
    // As text; and an audience (its columns are known once its campaign has run: a few).
    const text = await capture(['cost', file, '--profiles', '1000000', '--data', '/nonexistent']);
    expect(text.out).toMatch(/^export job recipients: 1,000,000 row\(s\) of recipients as PARQUET/);
    expect(text.out).toMatch(/total per job\s+\$0\.\d{4}/);
    writeFileSync(file, 'audience: vip\n');
    const audience = JSON.parse((await capture(['cost', file, '--profiles', '1000', '--json'])).out);
    expect(audience.sizes).toEqual({ rows: 1000, bytes: 50_000, columns: 3, exported: 3 });
    writeFileSync(file, 'table: recipients\ncolumns: [nope]\n');
    const unknown = await capture(['cost', file, '--profiles', '10']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/columns\[0\]: 'nope' is not a column of recipients/);
  });
});
