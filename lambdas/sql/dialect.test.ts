/** What the two dialects must compute identically. */
import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { AthenaDialect, DuckDbDialect } from './dialect.js';

/** The draw both engines compute: the first 52 bits of md5(key || seed), over 2^52. */
const expected = (key: string, seed: string) =>
  Number.parseInt(createHash('md5').update(`${key}${seed}`).digest('hex').slice(0, 13), 16) / 2 ** 52;

describe('random draws are the same in both engines', () => {
  it('DuckDB computes md5(key || seed) over 2^52', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      const d = new DuckDbDialect('/data');
      const rows = (
        await c.runAndReadAll(
          `SELECT k, ${d.randomFromKey('k', 'run-7')} AS r FROM (VALUES ('1'), ('42'), ('ann@x.com'), ('é')) AS t(k) ORDER BY k`,
        )
      ).getRowObjectsJS();
      expect(rows.map((r) => r.r)).toEqual(['1', '42', 'ann@x.com', 'é'].map((k) => expected(k, 'run-7')));
      const ints = (
        await c.runAndReadAll(`SELECT ${d.randomFromKey('CAST(42 AS BIGINT)', 's')} AS r`)
      ).getRowObjectsJS();
      expect(ints[0]!.r).toBe(expected('42', 's'));
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });

  it('Athena (Trino Functions and Operators — md5(binary), to_hex, from_base) computes the same expression', () => {
    expect(new AthenaDialect({ database: 'orca' }).randomFromKey('w."id"', 'run-7')).toBe(
      `(CAST(from_base(substr(lower(to_hex(md5(to_utf8(CAST(w."id" AS VARCHAR) || 'run-7')))), 1, 13), 16) AS DOUBLE) / 4503599627370496.0)`,
    );
  });
});
