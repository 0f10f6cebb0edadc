/** The cost of an import job, worked out by hand from the stage-by-stage reads (cost-imports.ts). */
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../lambdas/catalog/catalog.js';
import { parseImportJob, type ImportJobInput } from '../lambdas/imports/job.js';
import { PRICES } from './cost.js';
import { estimateJobCost } from './cost-imports.js';

const catalog = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'tables/people',
      columns: { id: 'integer', email: 'string', age: 'integer', score: 'double', city: 'string' },
    },
  },
});
const job = (over: Partial<ImportJobInput> = {}) =>
  parseImportJob(
    {
      table: 'people',
      key: 'id',
      source: { file: 'uploads/u1/people.csv' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'email', column: 'email' },
        { field: 'age', column: 'age' },
      ],
      ...over,
    },
    'people',
    catalog,
  );

const MiB = 1024 ** 2;
const MIN = 10 * MiB; // "Amazon Athena pricing": at least 10 MB per query
// A 64 MiB CSV file of 1M lines into a table of 2M rows, 100 MiB: a typed line is 3 of the 5
// columns of a 52.4288-byte row, 1M × 52.4288 × 3/5 = 30 MiB; the copy adds 20 + 16 × 3 bytes a line.
const sizes = { fileBytes: 64 * MiB, lines: 1_000_000, tableRows: 2_000_000, tableBytes: 100 * MiB, tableColumns: 5 };
const TYPED = 30 * MiB;
const COPY = 64 * MiB + 1_000_000 * 68;
const CURRENT = 100 * MiB;

describe('estimateJobCost', () => {
  it('Athena: each stage’s queries over the copy, the typed lines and the current version, at least 10 MB each', () => {
    const e = estimateJobCost(job(), sizes);
    expect(e.scans).toEqual([
      { stage: 'load', queries: 0, bytes: 0 },
      // CTAS over the copy, its row count, the warnings and first-lines counts over the typed lines.
      { stage: 'type', queries: 4, bytes: COPY + MIN + 2 * TYPED },
      // The key count and the CTAS over the typed lines, its row count.
      { stage: 'doubles', queries: 3, bytes: 2 * TYPED + MIN },
      // CTAS over the lines and the current version, its row count, the change count and the rejects.
      { stage: 'match', queries: 4, bytes: TYPED + CURRENT + MIN + 2 * TYPED },
      { stage: 'apply', queries: 1, bytes: CURRENT + TYPED },
      { stage: 'swap', queries: 0, bytes: 0 },
    ]);
    const bytes = 627_939_584; // the sum of the above
    const athena = e.lines.find((l) => l.item.startsWith('Athena'))!;
    expect(athena.quantity).toBe('0.58 GB in 12 queries');
    expect(athena.usd).toBeCloseTo((bytes / 1024 ** 4) * 5, 12);
    expect(athena.usd).toBeCloseTo(0.0028556, 6);
  });

  it('a second key joins the current version twice; a Parquet file is read as it is (no copy)', () => {
    const e = estimateJobCost(job({ secondKey: 'email' }), sizes);
    expect(e.scans.find((s) => s.stage === 'match')!.bytes).toBe(TYPED + 2 * CURRENT + MIN + 2 * TYPED);
    const p = estimateJobCost(job({ source: { file: 'uploads/u1/people.parquet', format: 'parquet' } }), sizes);
    expect(p.scans.find((s) => s.stage === 'type')!.bytes).toBe(64 * MiB + MIN + 2 * TYPED);
  });

  it('Step Functions: a Task and a Choice per stage, the start and the end; one invocation per stage', () => {
    const e = estimateJobCost(job(), sizes);
    expect(e.lines.find((l) => l.item === 'Step Functions state transitions')).toEqual({
      item: 'Step Functions state transitions',
      quantity: '14',
      usd: 14 * PRICES.stateTransition,
    });
    expect(e.lines.find((l) => l.item === 'Lambda requests')!.quantity).toBe('6');
    // 1 s + the copy at 40 MiB/s + 12 queries × 3 s + the bytes Athena reads at 500 MiB/s, at 1 GB.
    const seconds = 1 + COPY / (40 * MiB) + 12 * 3 + 627_939_584 / (500 * MiB);
    expect(e.lines.find((l) => l.item === 'Lambda compute')!.usd).toBeCloseTo(seconds * PRICES.lambdaGbSecond, 12);
    expect(e.total).toBeCloseTo(
      e.lines.reduce((a, l) => a + l.usd, 0),
      12,
    );
  });

  it('a small file still pays Athena’s minimum per query', () => {
    const e = estimateJobCost(job(), { fileBytes: 1000, lines: 10, tableRows: 10, tableBytes: 500, tableColumns: 5 });
    expect(e.scans.reduce((a, s) => a + s.bytes, 0)).toBe(12 * MIN);
  });
});
