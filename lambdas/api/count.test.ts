/**
 * Count before running, on the tiny fixture: the counts are those of hand-written queries over the
 * fixture's Parquet files; only the activities upstream run, in scratch tables that are removed,
 * and nothing downstream (Save audience) happens.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../adapters/duckdb-engine.js';
import { validateCampaign, type Analysis } from '../../statemachines/validate.js';
import { openTestDb, type TestDb } from '../../test/helpers/duckdb.js';
import { TODAY, tinyCatalog, writeTinyData } from '../../test/fixtures/tiny.js';
import { countActivity, upstreamOf } from './count.js';

const campaign = {
  id: 'counting',
  label: 'Counting',
  dimension: 'recipients',
  activities: [
    { id: 'vip', type: 'buildAudience', query: { attribute: 'vip', operator: 'equal', value: true } },
    { id: 'pause', type: 'wait', duration: { value: 3, unit: 'days' } },
    {
      id: 'by_country',
      type: 'split',
      subsets: [{ id: 'fr', filter: { attribute: 'country', operator: 'equal', value: 'FR' } }],
      generateComplement: true,
    },
    { id: 'save', type: 'saveAudience', audience: 'counted' },
    { id: 'other', type: 'buildAudience', query: { attribute: 'score', operator: 'greater', value: 0 } },
    { id: 'done', type: 'end' },
  ],
  transitions: [
    { from: 'vip', to: 'pause' },
    { from: 'pause', to: 'by_country' },
    { from: 'by_country', output: 'fr', to: 'save' },
    { from: 'by_country', output: 'complement', to: 'done' },
    { from: 'save', to: 'done' },
  ],
};

let db: TestDb;
let engine: DuckDbEngine;
let analysis: Analysis;
const catalog = tinyCatalog();
const count = async (sql: string) => Number((await db.column(sql))[0]);
const recipients = () => `read_parquet('${join(db.dir, 'catalog/recipients/*.parquet')}')`;

beforeAll(async () => {
  db = await openTestDb('orca-count-');
  await writeTinyData(db);
  engine = await DuckDbEngine.open(db.dir, { threads: 1 });
  const v = validateCampaign(campaign, catalog, { dialect: engine.dialect, now: TODAY });
  expect(v.errors).toEqual([]);
  analysis = v.analysis!;
});
afterAll(() => {
  engine?.close();
  db?.close();
});

describe('count before running', () => {
  it('plans only what is upstream', () => {
    expect(upstreamOf(analysis, 'by_country')).toEqual(['vip', 'pause', 'by_country']);
  });

  it("gives each output's count, as hand-written queries do, without waiting or saving", async () => {
    const run = (activity: string, output?: string) =>
      countActivity({ analysis, catalog, engine, activity, output, now: TODAY });
    const fr = await run('by_country', 'fr');
    expect(fr.rows).toBe(await count(`SELECT count(*) FROM ${recipients()} WHERE vip AND country = 'FR'`));
    expect(fr.rows).toBe(1);
    const rest = await run('by_country', 'complement');
    // Empty values match no condition: the VIPs without a country (Fay) are in the complement.
    expect(rest.rows).toBe(
      await count(`SELECT count(*) FROM ${recipients()} WHERE vip AND (country IS NULL OR country <> 'FR')`),
    );
    expect(rest.rows).toBe(2);
    expect(rest.upstream.map((u) => u.activity)).toEqual(['vip', 'by_country']);
    expect((await run('vip')).rows).toBe(await count(`SELECT count(*) FROM ${recipients()} WHERE vip`));
    // Scratch tables are removed; no work table, no audience was written.
    expect(readdirSync(join(db.dir, 'tmp')).filter((f) => f !== 'duckdb')).toEqual(
      existsSync(join(db.dir, 'tmp', 'count')) ? ['count'] : [],
    );
    if (existsSync(join(db.dir, 'tmp', 'count'))) expect(readdirSync(join(db.dir, 'tmp', 'count'))).toEqual([]);
    expect(existsSync(join(db.dir, 'work'))).toBe(false);
    expect(existsSync(join(db.dir, 'audiences'))).toBe(false);
  });

  it('an unknown activity or output is a clear error', async () => {
    await expect(countActivity({ analysis, catalog, engine, activity: 'nope', now: TODAY })).rejects.toThrow(
      "the campaign has no activity 'nope'",
    );
    await expect(
      countActivity({ analysis, catalog, engine, activity: 'by_country', output: 'de', now: TODAY }),
    ).rejects.toThrow("activity 'by_country' has no output 'de'; its outputs: fr, complement");
  });
});
