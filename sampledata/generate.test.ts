/** The sample data: deterministic, and as messy as a CRM export (empty strings, stray spaces, mixed case). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSampleData } from './generate.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
async function generate(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'orca-gen-'));
  dirs.push(dir);
  await generateSampleData({ dataRoot: dir, profiles: 3000, seed: 3, asOf: '2026-11-22' });
  return dir;
}

describe('sample data', () => {
  it('the same seed gives the same files; recipients hold NULLs and empty strings, stray spaces and mixed case', async () => {
    const [a, b] = [await generate(), await generate()];
    for (const f of ['catalog/recipients/data.parquet', 'catalog/purchases/data.parquet', 'incoming/leads/leads.csv'])
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      const counts = (
        await c.runAndReadAll(`SELECT count(*),
          count(*) FILTER (WHERE email IS NULL), count(*) FILTER (WHERE email = ''),
          count(*) FILTER (WHERE email <> trim(email)), count(*) FILTER (WHERE email <> lower(email)),
          count(*) FILTER (WHERE first_name <> trim(first_name)), count(*) FILTER (WHERE city = ''),
          count(*) FILTER (WHERE city <> trim(city) OR city = upper(city)), count(*) FILTER (WHERE phone = '')
          FROM read_parquet('${a}/catalog/recipients/*.parquet')`)
      )
        .getRows()[0]!
        .map(Number);
      expect(counts[0]).toBe(3000);
      for (const n of counts.slice(1)) expect(n).toBeGreaterThan(0);
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });
});
