/**
 * The prepare query on a small hand-made population: every exclusion reason, their precedence,
 * duplicates, hostile strings in addresses, message ids computed independently (node:crypto md5 of
 * run|activity|key), chunks; the opt-outs and the message log written as lake files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrinoSQL } from '../../test/helpers/sql-grammars.js';
import type { Population } from '../sql/population.js';
import { AthenaDialect } from '../sql/dialect.js';
import { openActivityHarness, RUN, toInput, type ActivityHarness } from '../../test/helpers/activity-harness.js';
import { ACTIVITIES } from '../activities/index.js';
import { planActivity } from '../planner.js';
import { Findings } from '../util/issues.js';
import { TODAY } from '../../test/fixtures/tiny.js';
import { jsonLines, lakeDay, messageLogKey, optOutKey, type MessageLogRecord, type OptOutRecord } from './lake.js';
import { chunkPlan, prepareSelect } from './prepare.js';

let h: ActivityHarness;
let people: Population;

/** key -> raw address: each row's expected fate is in EXPECTED. */
const ADDRESSES: Array<[number, string | null]> = [
  [1, '  Ann@Example.COM\t'],
  [2, 'ann@example.com'],
  [3, null],
  [4, ' \t '],
  [5, 'not-an-address'],
  [6, "o'neil@example.com"],
  [7, 'eve@example.com\nBcc: x@evil.com'],
  [8, "x'; DROP TABLE t; --@example.com"],
  [9, 'unsub@example.com'],
  [10, 'bounce@example.com'],
  [11, 'both@example.com'],
  [12, 'sms-only@example.com'],
  [13, 'capped@example.com'],
  [14, 'old@example.com'],
  [15, 'failed@example.com'],
  [16, 'UNSUB@example.com'],
  [17, 'self@example.com'],
  [18, 'ünï@example.com'],
  [19, 'edge@example.com'],
];

/** Hand-computed: the normalized address and the reason (null: to send). */
const EXPECTED: Array<[number, string | null, string | null]> = [
  [1, 'ann@example.com', null],
  [2, 'ann@example.com', 'duplicate'], // the lowest key keeps the address
  [3, null, 'noAddress'],
  [4, null, 'noAddress'], // blank once trimmed
  [5, 'not-an-address', 'invalidAddress'],
  [6, "o'neil@example.com", null],
  [7, 'eve@example.com\nbcc: x@evil.com', 'invalidAddress'], // a line break: header injection
  [8, "x'; drop table t; --@example.com", 'invalidAddress'],
  [9, 'unsub@example.com', 'unsubscribed'],
  [10, 'bounce@example.com', 'suppressed'],
  [11, 'both@example.com', 'unsubscribed'], // unsubscribed and complained: unsubscribed comes first
  [12, 'sms-only@example.com', null], // opted out of SMS only
  [13, 'capped@example.com', 'frequencyCap'], // 2 sent in the last 7 days
  [14, 'old@example.com', null], // 2 sent, 8 and 10 days ago
  [15, 'failed@example.com', null], // 2 failed, none sent
  [16, 'unsub@example.com', 'unsubscribed'], // also a duplicate of 9: unsubscribed comes first
  [17, 'self@example.com', null], // 2 sent by this very activity of this run: not counted
  [18, 'ünï@example.com', 'invalidAddress'], // not ASCII
  [19, 'edge@example.com', null], // 1 sent after the cutoff, 1 an hour before it (same day)
];

const DAY = 86_400_000;
const ago = (days: number, hours = 0) => new Date(TODAY.getTime() - days * DAY - hours * 3_600_000).toISOString();

function writeLake(root: string, key: string, records: object[]): void {
  const file = join(root, key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, jsonLines(records));
}

function optOut(address: string, channel: OptOutRecord['channel'], reason: OptOutRecord['reason']): OptOutRecord {
  return { address, channel, reason, at: ago(30), campaign_id: 'old', run_id: 'R0', message_id: 'm' };
}

function logged(address: string, outcome: string, at: string, run = 'R0', activity = 'mail'): MessageLogRecord {
  return {
    message_id: `${address}-${at}`,
    campaign_id: 'c',
    run_id: run,
    activity_id: activity,
    channel: 'email',
    address,
    recipient_key: '0',
    outcome,
    reason: null,
    at,
    delivered_at: outcome === 'sent' ? at : null,
  };
}

beforeAll(async () => {
  h = await openActivityHarness();
  people = await h.population(
    ADDRESSES.map(([id, addr]) => ({ id, addr })),
    { columns: [{ name: 'addr', type: 'string' }] },
  );
  const root = h.db.dir;
  writeLake(root, optOutKey('email', lakeDay(ago(30)), 'a1'), [
    optOut('unsub@example.com', 'email', 'unsubscribed'),
    optOut('bounce@example.com', 'email', 'bounced'),
    optOut('both@example.com', 'email', 'complained'),
  ]);
  writeLake(root, optOutKey('email', lakeDay(ago(2)), 'a2'), [optOut('both@example.com', 'email', 'unsubscribed')]);
  writeLake(root, optOutKey('sms', lakeDay(ago(2)), 'a3'), [optOut('sms-only@example.com', 'sms', 'unsubscribed')]);
  const log = [
    logged('capped@example.com', 'sent', ago(2)),
    logged('capped@example.com', 'sent', ago(1)),
    logged('old@example.com', 'sent', ago(8)),
    logged('old@example.com', 'sent', ago(10)),
    logged('failed@example.com', 'failed', ago(1)),
    logged('failed@example.com', 'failed', ago(2)),
    logged('self@example.com', 'sent', ago(0, 1), RUN.id, 'mail'),
    logged('self@example.com', 'sent', ago(0, 2), RUN.id, 'mail'),
    logged('edge@example.com', 'sent', ago(7, 1)),
    logged('edge@example.com', 'sent', ago(6)),
  ];
  for (const r of log)
    writeLake(root, messageLogKey('email', lakeDay(r.at), r.run_id, `${r.activity_id}x`, log.indexOf(r)), [r]);
});
afterAll(() => h.close());

const mail = (extra: Record<string, unknown> = {}) => ({
  id: 'mail',
  type: 'email',
  from: 'News <news@example.com>',
  subject: 'Hello {{ first_name }}',
  html: '<p>{{ addr }}</p>',
  address: 'addr',
  frequencyCap: { messages: 2, days: 7 },
  ...extra,
});

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function sendAction(def: Record<string, unknown>, inputs: Population[], dialect?: 'athena') {
  const r = dialect ? planAthena(def, inputs) : h.plan(def, { inputs, run: RUN, now: TODAY });
  expect(r.messages).toEqual([]);
  const action = r.plan.action;
  if (action.type !== 'send') throw new Error(`a ${action.type}, not a send`);
  return { action, outputs: r.plan.outputs };
}

function planAthena(def: Record<string, unknown>, inputs: Population[]) {
  const activity = ACTIVITIES.get(String(def.type))!.schema.parse(def);
  const findings = new Findings();
  const plan = planActivity({
    catalog: h.catalog,
    dialect: new AthenaDialect({ database: 'orca' }),
    campaign: { id: 'test', dimension: 'recipients', timezone: 'UTC', variables: {} },
    activity,
    inputs: inputs.map((population, i) => toInput({ population }, i)),
    now: TODAY,
    report: findings.at(activity.id, []),
    run: RUN,
  });
  return { plan, messages: findings.errors.map((e) => `${e.path}: ${e.message}`) };
}

describe('the prepare query (DuckDB)', () => {
  it('excludes with the reasons of their precedence, normalizes addresses, ids are md5(run|activity|key)', async () => {
    const { action, outputs } = sendAction(mail(), [people]);
    expect(action).toMatchObject({ type: 'send', chunks: 1, channel: 'email' });
    const rows = await h.db.rows(`SELECT * FROM (${action.sql}) ORDER BY id`);
    expect(rows.map((r) => [r.id, r.orca_address, r.orca_reason])).toEqual(
      EXPECTED.map(([k, a, x]) => [BigInt(k), a, x]),
    );
    expect(rows.map((r) => r.orca_message_id)).toEqual(EXPECTED.map(([k]) => md5(`RUN|mail|${k}`)));
    expect(rows.map((r) => r.orca_output)).toEqual(EXPECTED.map(([, , x]) => (x ? 'excluded' : 'messages')));
    expect(new Set(rows.map((r) => r.orca_chunk))).toEqual(new Set([0n]));
    // The templates' attributes come along: first_name from the recipients table (keys 1..6 exist).
    expect(rows.slice(0, 2).map((r) => r.first_name)).toEqual(['Ann', 'Bob']);
    expect(rows[6]!.first_name).toBe(null);
    expect(Object.keys(outputs)).toEqual(['excluded']);
  });

  it('without a frequency cap, nobody is capped', async () => {
    const { action } = sendAction(mail({ frequencyCap: undefined }), [people]);
    const rows = await h.db.rows(`SELECT id, orca_reason FROM (${action.sql}) WHERE id = 13`);
    expect(rows).toEqual([{ id: 13n, orca_reason: null }]);
  });

  it('chunks: orca_chunk = first 8 hex digits of the id modulo n, n from the inbound rows', async () => {
    const big = { ...people, rows: 12_000 };
    expect(chunkPlan(12_000)).toEqual({ rowsPerChunk: 5000, chunks: 3, concurrency: 40 });
    const { action } = sendAction(mail(), [big]);
    expect(action.chunks).toBe(3);
    const rows = await h.db.rows(`SELECT id, orca_chunk FROM (${action.sql}) ORDER BY id`);
    expect(rows.map((r) => Number(r.orca_chunk))).toEqual(
      EXPECTED.map(([k]) => Number.parseInt(md5(`RUN|mail|${k}`).slice(0, 8), 16) % 3),
    );
  });

  it('SMS: E.164 after removing spaces, dashes, dots and parentheses', async () => {
    const phones = await h.population(
      [
        { id: 1, phone: '+33 6 12-34-56-78' },
        { id: 2, phone: '(415) 555-0100' },
        { id: 3, phone: '+0123456789' },
        { id: 4, phone: '+1234567' },
        { id: 5, phone: '+1234567890123456' },
        { id: 6, phone: '+1.415.555.0100' },
        { id: 7, phone: '+33612345678' },
      ],
      { columns: [{ name: 'phone', type: 'string' }] },
    );
    const { action } = sendAction({ id: 'txt', type: 'sms', text: 'Hi {{first_name}}', from: 'ORCA' }, [phones]);
    const rows = await h.db.rows(`SELECT id, orca_address, orca_reason FROM (${action.sql}) ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), r.orca_address, r.orca_reason])).toEqual([
      [1, '+33612345678', null],
      [2, '4155550100', 'invalidAddress'],
      [3, '+0123456789', 'invalidAddress'],
      [4, '+1234567', 'invalidAddress'],
      [5, '+1234567890123456', 'invalidAddress'],
      [6, '+14155550100', null],
      [7, '+33612345678', 'duplicate'],
    ]);
  });

  it('a file population (no dimension): the normalized address is the key', async () => {
    const file = await h.population(
      [
        { addr: 'b@x.org', code: 'B' },
        { addr: 'a@x.org', code: 'A2' },
        { addr: ' A@x.org', code: 'A1' },
      ],
      {
        dimension: null,
        columns: [
          { name: 'addr', type: 'string' },
          { name: 'code', type: 'string' },
        ],
      },
    );
    const { action } = sendAction(mail({ subject: 'Code {{ code }}', html: undefined, text: 'x' }), [file]);
    const rows = await h.db.rows(`SELECT code, orca_message_id, orca_reason FROM (${action.sql}) ORDER BY code`);
    expect(rows).toEqual([
      { code: 'A1', orca_message_id: md5('RUN|mail|a@x.org'), orca_reason: null }, // ties on the key: the columns decide
      { code: 'A2', orca_message_id: md5('RUN|mail|a@x.org'), orca_reason: 'duplicate' },
      { code: 'B', orca_message_id: md5('RUN|mail|b@x.org'), orca_reason: null },
    ]);
  });

  it('golden SQL, DuckDB', async () => {
    const { action } = sendAction(mail(), [people]);
    await expect(`${action.sql.replaceAll(h.db.dir, '<data>')};\n`).toMatchFileSnapshot(
      '__golden__/prepare.duckdb.sql',
    );
  });
});

describe('the prepare query (Athena)', () => {
  const trino = new TrinoSQL();
  it('golden SQL: the Glue lake tables, md5 over UTF-8 bytes in lower-case hex, from_base for chunks', async () => {
    const { action } = sendAction(mail(), [{ ...people, rows: 12_000 }], 'athena');
    expect(action.sql).toContain(`lower(to_hex(md5(to_utf8('RUN|mail|' || coalesce(i.orca_key, '')))))`);
    expect(action.sql).toContain('FROM "orca"."orca_optouts"');
    expect(action.sql).toContain('FROM "orca"."orca_messages"');
    expect(action.sql).toContain('from_base(substr(r."orca_message_id", 1, 8), 16) % 3 AS "orca_chunk"');
    await expect(`${action.sql};\n`).toMatchFileSnapshot('__golden__/prepare.athena.sql');
  });

  it('every channel’s prepare SELECT parses with the Trino grammar (Athena engine v3 is based on Trino)', () => {
    const phones = { ...people, columns: [...people.columns, { name: 'phone', type: 'string' as const }] };
    const sqls = [
      sendAction(mail(), [people], 'athena').action.sql,
      sendAction({ id: 's', type: 'sms', text: '{{first_name}}', from: '+14155550100' }, [phones], 'athena').action.sql,
      sendAction({ id: 'p', type: 'push', title: 't', body: 'b', address: 'addr' }, [people], 'athena').action.sql,
    ];
    expect(sqls[2]).toContain(':sns:');
    for (const sql of sqls)
      expect(trino.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`)).toEqual([]);
  });
});

describe('chunkPlan', () => {
  it('K = max(5,000, ceil(rows / 2,000)), n = ceil(rows / K) >= 1, c = clamp(floor(rate x 600 / 5,000), 1, 40)', () => {
    expect(chunkPlan(0)).toEqual({ rowsPerChunk: 5000, chunks: 1, concurrency: 40 });
    expect(chunkPlan(-1).chunks).toBe(1);
    expect(chunkPlan(5000).chunks).toBe(1);
    expect(chunkPlan(5001).chunks).toBe(2);
    // 10M: 2,000 chunks of 5,000 (14,000 history events at 7 per chunk); 100/s -> 12 at a time.
    expect(chunkPlan(10_000_000, 100)).toEqual({ rowsPerChunk: 5000, chunks: 2000, concurrency: 12 });
    // 30M: K = 15,000, still 2,000 chunks.
    expect(chunkPlan(30_000_000)).toMatchObject({ rowsPerChunk: 15_000, chunks: 2000 });
    expect(chunkPlan(1000, 1).concurrency).toBe(1);
    expect(chunkPlan(1000, 10_000).concurrency).toBe(40);
  });

  it('refuses a chunk count the SQL cannot use', () => {
    expect(() => prepareSelect({ chunks: 0 } as never)).toThrow('chunks must be a positive integer, not 0');
  });
});
