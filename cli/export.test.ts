/**
 * orca export in-process (main()), on a data folder of its own: a table to CSV and to Parquet, the
 * job listed by `orca jobs` and shown by `orca job ID`, and the refusals (an --out outside the data
 * folder, neither a table nor an audience, an unknown table).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orcaInProcess } from '../test/helpers/cli.js';
import { openTestDb, type TestDb, writeParquet } from '../test/helpers/duckdb.js';

let t: TestDb;
let catalog: string;
beforeAll(async () => {
  t = await openTestDb('orca-export-cli-');
  await writeParquet(
    t,
    'tables/people',
    `SELECT CAST(id AS BIGINT) AS id, email FROM (VALUES (2, 'b@x'), (1, 'a@x')) AS v(id, email)`,
  );
  catalog = join(t.dir, 'catalog.yaml');
  writeFileSync(
    catalog,
    'tables:\n  people:\n    primaryKey: id\n    location: tables/people\n    columns: { id: integer, email: string }\n',
  );
});
afterAll(() => t.close());

const orca = (...args: string[]) => orcaInProcess([...args, '--data', t.dir, '--catalog', catalog]);

describe('orca export', () => {
  it('writes a table as CSV under the data folder, shown by orca jobs and orca job', async () => {
    const r = await orca('export', 'people', '--out', 'out/people.csv', '--delimiter', ';');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^job (exp-[a-z0-9-]+): finished, 2 rows, 21 bytes: ${join(t.dir, 'out/people.csv')}\\n$`),
    );
    expect(readFileSync(join(t.dir, 'out/people.csv'), 'utf8')).toBe('id;email\n1;a@x\n2;b@x\n');
    const id = /^job (\S+):/.exec(r.stdout)![1]!;
    const jobs = await orca('jobs', '--json');
    expect(JSON.parse(jobs.stdout)).toEqual([
      expect.objectContaining({ id, kind: 'export', name: 'people', table: 'people', status: 'finished' }),
    ]);
    const shown = await orca('job', id);
    expect(shown.stdout).toMatch(new RegExp(`^${id} people: finished\\n {2}rows 2, bytes 21\\n`));
    expect(shown.stdout).toMatch(/ stage finish: out\/people\.csv: 21 byte\(s\)/);
  });

  it('Parquet, to an absolute path inside the data folder', async () => {
    const r = await orca('export', 'people', '--format', 'parquet', '--out', join(t.dir, 'out/people.parquet'));
    expect(r.code, r.stderr).toBe(0);
    expect(await t.rows(`SELECT id, email FROM read_parquet('${join(t.dir, 'out/people.parquet')}')`)).toEqual([
      { id: 1n, email: 'a@x' },
      { id: 2n, email: 'b@x' },
    ]);
  });

  it('refuses an --out outside the data folder, a missing source and an unknown table, naming them', async () => {
    const outside = await orca('export', 'people', '--out', '/tmp/people.csv');
    expect([outside.code, outside.stderr.trim()]).toEqual([
      2,
      `orca: --out: /tmp/people.csv is outside the data folder ${t.dir}; exports are written only inside it`,
    ]);
    expect((await orca('export')).stderr).toMatch(/name a table, or an audience with --audience/);
    const unknown = await orca('export', 'peple');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /export peple is not valid:\n {2}table: unknown table 'peple'. Did you mean 'people'\?/,
    );
  });
});
