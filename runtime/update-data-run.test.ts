/**
 * Update data in a campaign on the embedded stack (local Step Functions, DuckDB, dynalite): a loaded
 * file applied to a small table, whose next version (rows worked out by hand) becomes the table's
 * current one in one step; counts in the log; test mode and a run with nothing to change apply
 * nothing; kept versions; a run that read a version an import job replaced since applies nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../lambdas/catalog/catalog.js';
import { pinnedCatalog } from '../lambdas/orchestrator/import-versions.js';
import { DynamoDbImportStore } from '../lambdas/adapters/dynamodb-import-store.js';
import { stringLiteral } from '../lambdas/sql/literal.js';
import { chain, openRuntime, runCampaign } from '../test/helpers/runtime.js';
import { TABLE } from './dynalite.js';
import type { LocalRuntime } from './local-runtime.js';

const catalog = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'tables/people',
      columns: { id: 'integer', email: 'string', age: 'integer', city: 'string' },
    },
  },
});

let rt: LocalRuntime;
let dir: string;
let close: () => Promise<void>;
let store: DynamoDbImportStore;

beforeAll(async () => {
  ({ rt, dir, close } = await openRuntime(catalog));
  store = new DynamoDbImportStore(rt.dynamo.client, TABLE);
  mkdirSync(join(dir, 'tables/people'), { recursive: true });
  mkdirSync(join(dir, 'incoming'), { recursive: true });
  await rt.engine.execute(
    `COPY (SELECT CAST(id AS BIGINT) AS id, email, CAST(age AS BIGINT) AS age, city FROM (VALUES (1, 'a@x', 30, 'Paris'), (2, 'b@x', 40, 'Lyon'), (3, 'c@x', 50, 'Nice')) AS t(id, email, age, city)) TO ${stringLiteral(join(dir, 'tables/people/data.parquet'))} (FORMAT PARQUET)`,
  );
});
afterAll(() => close());

/** The rows campaigns would read now. */
async function tableRows() {
  const c = await pinnedCatalog(catalog, store);
  const rows = await rt.engine.query(
    `SELECT id, email, age, city FROM ${rt.engine.dialect.catalogTable(c.table('people')!)} ORDER BY id`,
  );
  return rows.map((r) => [Number(r.id), r.email, r.age === null ? null : Number(r.age), r.city]);
}

function campaign(csv: string, extra: Record<string, unknown> = {}) {
  writeFileSync(join(dir, 'incoming/people.csv'), csv);
  return {
    dimension: 'people',
    ...chain(
      {
        id: 'load',
        type: 'loadFile',
        file: 'incoming/people.csv',
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'mail', type: 'string' },
          { name: 'age', type: 'integer' },
        ],
      },
      {
        id: 'apply',
        type: 'updateData',
        table: 'people',
        key: 'id',
        columns: [{ field: 'id' }, { field: 'mail', column: 'email' }, { field: 'age' }],
        ...extra,
      },
    ),
  };
}

const lastLog = async (runId: string) =>
  (await rt.store.listLogs(runId)).filter((l) => l.activity === 'apply').at(-1)?.message;

describe('update data in a campaign', () => {
  it('applies the file as the next version; test mode and a run with nothing to change apply nothing', async () => {
    const doc = campaign('id,mail,age\n2,b@x,41\n3,c@x,50\n4,d@x,20\n');
    const test = await runCampaign(rt, catalog, doc, { testMode: true });
    expect(test.run.status).toBe('completed');
    expect(await lastLog(test.run.runId)).toMatch(/inserted 1, updated 1, deleted 0, unchanged 1/);
    expect(await tableRows()).toEqual([
      [1, 'a@x', 30, 'Paris'],
      [2, 'b@x', 40, 'Lyon'],
      [3, 'c@x', 50, 'Nice'],
    ]);

    const r = await runCampaign(rt, catalog, doc);
    expect(r.run.status, r.run.error).toBe('completed');
    expect(await lastLog(r.run.runId)).toMatch(
      /^done: main 3, inserted 1, updated 1, deleted 0, unchanged 1, .*version 4; people is now at version 1$/,
    );
    expect(await tableRows()).toEqual([
      [1, 'a@x', 30, 'Paris'],
      [2, 'b@x', 41, 'Lyon'],
      [3, 'c@x', 50, 'Nice'],
      [4, 'd@x', 20, null],
    ]);
    // The inbound population goes on to the End.
    expect(await r.ids('apply')).toEqual([2, 3, 4]);
    expect((await store.getVersions('people'))!.current).toBe(1);

    const again = await runCampaign(rt, catalog, doc);
    expect(await lastLog(again.run.runId)).toMatch(/people unchanged: it keeps its version$/);
    expect((await store.getVersions('people'))!.current).toBe(1);
    expect(existsSync(join(dir, `versions/people/${again.run.runId}-apply/orca_output=version`))).toBe(false);
  });

  it('keeps keepVersions versions: the folder of a dropped one is removed whole', async () => {
    const first = await runCampaign(rt, catalog, campaign('id,mail,age\n1,a@x,71\n', { keepVersions: 1 }));
    const second = await runCampaign(rt, catalog, campaign('id,mail,age\n1,a@x,72\n', { keepVersions: 1 }));
    expect(second.run.status).toBe('completed');
    expect((await tableRows())[0]).toEqual([1, 'a@x', 72, 'Paris']);
    const v = (await store.getVersions('people'))!;
    expect(v.versions.map((x) => x.jobId)).toEqual(['catalog', `${second.run.runId}-apply`]);
    expect(existsSync(join(dir, `versions/people/${first.run.runId}-apply`))).toBe(false);
  });

  it('a run whose table was swapped since it started applies nothing', async () => {
    const before = await tableRows();
    // As if an import job swapped the table after the run pinned its catalog: the pointer moves on.
    const v = (await store.getVersions('people'))!;
    const moved = { ...v, current: 99, versions: [...v.versions, { ...v.versions.at(-1)!, version: 99 }] };
    moved.versions.at(-1)!.location = 'versions/people/elsewhere';
    const pinned = await pinnedCatalog(catalog, store);
    await store.putVersions(moved, v.current);
    const swapped = { ...rt.deps, catalog: pinned };
    const { applyTableVersion } = await import('../lambdas/orchestrator/update-table.js');
    mkdirSync(join(dir, 'versions/people/R-apply/orca_output=version'), { recursive: true });
    await expect(
      applyTableVersion(
        swapped,
        { table: 'people', keep: 5 },
        { location: 'versions/people/R-apply', table: 'w' },
        { inserted: 1, version: 4 },
        'R-apply',
        new Date().toISOString(),
        false,
      ),
    ).rejects.toThrow(
      /people was changed by an import job or a rollback since this run started \(now version 99\): nothing applied/,
    );
    expect(existsSync(join(dir, 'versions/people/R-apply'))).toBe(false);
    await store.putVersions(v, 99);
    expect(await tableRows()).toEqual(before);
  });
});
