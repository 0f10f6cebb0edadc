/**
 * A message table materialized in chunks: DuckDB's PARTITION_BY (orca_output, orca_chunk) for
 * real (the chunk files listed for the manifest, the excluded output read back as a population
 * through workTable, preview and outputRows), Athena's CTAS with bucketing (text, Trino grammar),
 * and the listing of chunk files from object keys in both layouts.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrinoSQL } from '../../test/helpers/sql-grammars.js';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { DuckDbEngine } from '../adapters/duckdb-engine.js';
import { AthenaEngine } from '../adapters/athena-engine.js';
import { population, type Population } from '../sql/population.js';
import { openActivityHarness, RUN, type ActivityHarness } from '../../test/helpers/activity-harness.js';
import { chunkFiles } from './chunks.js';

let h: ActivityHarness;
let engine: DuckDbEngine;
let people: Population;
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const chunkOf = (key: number, n: number) => Number.parseInt(md5(`RUN|mail|${key}`).slice(0, 8), 16) % n;

beforeAll(async () => {
  h = await openActivityHarness();
  engine = await DuckDbEngine.open(h.db.dir, { threads: 1, memoryLimit: '512MB' });
  people = await h.population(
    [
      { id: 1, addr: 'a@x.org' },
      { id: 2, addr: 'b@x.org' },
      { id: 3, addr: 'c@x.org' },
      { id: 4, addr: null },
      { id: 5, addr: 'bad' },
      { id: 6, addr: 'd@x.org' },
      { id: 7, addr: 'e@x.org' },
    ],
    { columns: [{ name: 'addr', type: 'string' }] },
  );
});
afterAll(() => {
  engine.close();
  h.close();
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(h.db.dir, join(e.parentPath, e.name)));
}

const def = { id: 'mail', type: 'email', from: 'n@example.com', subject: 'Hi', text: 'Hi', address: 'addr' };

describe('a message table in chunks (DuckDB)', () => {
  it('writes one folder per chunk; the listing gives each chunk its files; excluded reads back as a population', async () => {
    // 12,000 inbound rows as far as sizing goes: 3 chunks of 5,000.
    const planned = h.plan(def, { inputs: [{ ...people, rows: 12_000 }], run: RUN });
    expect(planned.messages).toEqual([]);
    const action = planned.plan.action;
    if (action.type !== 'send') throw new Error('not a send');
    const target = { location: 'work/test/RUN/mail', table: 'w_mail', chunks: action.chunks };
    expect(engine.materialize(action.sql, target)).toContain('PARTITION_BY (orca_output, orca_chunk)');
    await engine.prepareTarget(target);
    const done = await engine.execute(engine.materialize(action.sql, target));
    expect(done.rows).toEqual({ messages: 5, excluded: 2 });

    const manifest = chunkFiles(listFiles(join(h.db.dir, target.location)), target.location, 3);
    expect(manifest.chunks).toHaveLength(3);
    const sendable = [1, 2, 3, 6, 7];
    for (let i = 0; i < 3; i++) {
      const expected = sendable.filter((k) => chunkOf(k, 3) === i);
      const files = manifest.chunks[i]!;
      expect(files.length).toBe(expected.length ? 1 : 0);
      if (!files.length) continue;
      const rows = await h.db.rows(
        `SELECT id, orca_message_id FROM read_parquet(${`'${join(h.db.dir, files[0]!)}'`}) ORDER BY id`,
      );
      expect(rows).toEqual(expected.map((k) => ({ id: BigInt(k), orca_message_id: md5(`RUN|mail|${k}`) })));
    }

    // The excluded output, read like any population: the work table, a preview, the row counts after a restart.
    const excluded = population(planned.plan.outputs.excluded!, {
      location: target.location,
      table: target.table,
      output: 'excluded',
      rows: 2,
    });
    const read = await h.db.rows(`SELECT id, orca_reason FROM ${h.dialect.workTable(excluded)} AS w ORDER BY id`);
    expect(read).toEqual([
      { id: 4n, orca_reason: 'noAddress' },
      { id: 5n, orca_reason: 'invalidAddress' },
    ]);
    const preview = await engine.preview(excluded, 10, 0);
    expect(preview.map((r) => [r.id, r.orca_address, r.orca_reason])).toEqual([
      [4, null, 'noAddress'],
      [5, 'bad', 'invalidAddress'],
    ]);
    expect(await engine.outputRows(target, 'not-this-process')).toEqual({ messages: 5, excluded: 2 });
  });

  it('without chunks, the layout is the usual one', () => {
    expect(engine.materialize('SELECT 1', { location: 'work/a', table: 't' })).toContain('PARTITION_BY (orca_output)');
  });
});

describe('a message table in chunks (Athena)', () => {
  const athena = new AthenaEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    bucket: 'orca-data',
    database: 'orca',
    workGroup: 'orca',
  });

  // "Amazon Athena User Guide — CTAS table properties": bucketed_by (an array of columns) and
  // bucket_count (the number of buckets) go together, next to partitioned_by.
  it('a CTAS partitioned by output and bucketed by orca_chunk into n buckets, valid Trino', () => {
    const sql = athena.materialize("SELECT 1 AS x, 0 AS orca_chunk, 'messages' AS orca_output", {
      location: 'work/c/r/mail',
      table: 'w_mail',
      chunks: 7,
    });
    expect(sql).toContain(
      "partitioned_by = ARRAY['orca_output'], bucketed_by = ARRAY['orca_chunk'], bucket_count = 7)",
    );
    expect(new TrinoSQL().validate(sql)).toEqual([]);
    expect(athena.materialize('SELECT 1', { location: 'work/a', table: 't' })).not.toContain('bucket');
  });
});

describe('chunkFiles', () => {
  const loc = 'work/c/r/mail';
  it('groups the local layout by its orca_chunk folders, and ignores the excluded partition', () => {
    expect(
      chunkFiles(
        [
          `${loc}/orca_output=messages/orca_chunk=1/data_0.parquet`,
          `${loc}/orca_output=messages/orca_chunk=0/data_1.parquet`,
          `${loc}/orca_output=messages/orca_chunk=0/data_0.parquet`,
          `${loc}/orca_output=excluded/orca_chunk=2/data_0.parquet`,
          `${loc}/manifest.json`,
        ],
        loc,
        3,
      ),
    ).toEqual({
      chunks: [
        [
          `${loc}/orca_output=messages/orca_chunk=0/data_0.parquet`,
          `${loc}/orca_output=messages/orca_chunk=0/data_1.parquet`,
        ],
        [`${loc}/orca_output=messages/orca_chunk=1/data_0.parquet`],
        [],
      ],
    });
  });

  // "Amazon Athena User Guide — What is bucketing?": the bucket a file belongs to is encoded in its name.
  it('groups bucket files by the bucket number in their names (Hive 00000n_0, bucket-0000n), skipping markers', () => {
    const m = `${loc}/orca_output=messages`;
    expect(
      chunkFiles(
        [
          `${m}/000001_0_20261201_q`,
          `${m}/20261201_q_bucket-00000`,
          `${m}/000000_0_20261201_q`,
          `${m}/_SUCCESS`,
          `${m}_$folder$`,
        ],
        loc,
        2,
      ),
    ).toEqual({ chunks: [[`${m}/000000_0_20261201_q`, `${m}/20261201_q_bucket-00000`], [`${m}/000001_0_20261201_q`]] });
    expect(() => chunkFiles([`${m}/000005_0_q`], loc, 2)).toThrow(`'${m}/000005_0_q' is not a file of chunks 0..1`);
    expect(() => chunkFiles([`${m}/part-abc.parquet`], loc, 2)).toThrow('is not a file of chunks');
  });
});
