/**
 * A campaign with an email activity on the embedded stack (aws-local-stepfunctions, DuckDB,
 * dynalite): in test mode it prepares and counts, sends nothing; otherwise it waits for a
 * confirmation, then its chunks go to the chunk sender and the sent output is what the message log
 * says was sent. The plan is the channel's own; the sender is a fake that writes the message log as
 * the design lays it out.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCampaign } from '../statemachines/compile.js';
import { validateCampaign } from '../statemachines/validate.js';
import type { ChannelDeps } from '../lambdas/orchestrator/types.js';
import type { ChunkJob } from '../lambdas/orchestrator/chunk.js';
import type { ReportCounters } from '../lambdas/ports/ledger.js';
import { tinyCatalog, writeTinyData } from '../test/fixtures/tiny.js';
import { openTestDb } from '../test/helpers/duckdb.js';
import { LocalRuntime } from './local-runtime.js';

const catalog = tinyCatalog();
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

const doc = {
  id: 'news',
  label: 'Newsletter',
  dimension: 'recipients',
  timezone: 'UTC',
  activities: [
    { id: 'all', type: 'buildAudience', query: { attribute: 'id', operator: 'greater', value: 0 } },
    { id: 'mail', type: 'email', from: 'news@example.com', subject: 'Hi', text: 'Hi', generateOutput: true },
    { id: 'done', type: 'end' },
    { id: 'left', type: 'end' },
  ],
  transitions: [
    { from: 'all', to: 'mail' },
    { from: 'mail', output: 'sent', to: 'done' },
    { from: 'mail', output: 'excluded', to: 'left' },
  ],
};

/** What the fake channels recorded. */
const counters: Array<{ runId: string; activityId: string; counters: ReportCounters }> = [];
const jobs: ChunkJob[] = [];
let dir = '';
let rt: LocalRuntime;

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  try {
    walk(root);
  } catch {
    // an absent folder lists nothing
  }
  return out.sort();
}

function channels(): ChannelDeps {
  const unused = () => {
    throw new Error('not used by these tests');
  };
  const counts = new Map<string, Map<number, { sent: number }>>();
  return {
    providers: {},
    rate: { take: unused },
    links: { baseUrl: 'http://127.0.0.1:7777', secret: 's', tracking: 'orca' },
    reports: {
      setCounters: async (_c, runId, activityId, c) => void counters.push({ runId, activityId, counters: c }),
      recordEvent: unused,
      counters: unused,
    },
    objects: {
      list: async (prefix) =>
        listFiles(join(dir, prefix)).map((k) => ({ key: `${prefix}${k}`, size: statSync(join(dir, prefix, k)).size })),
      open: async (key) => {
        const b = readFileSync(join(dir, key));
        return {
          byteLength: b.length,
          slice: async (s, e) => b.buffer.slice(b.byteOffset + s, b.byteOffset + (e ?? b.length)),
        };
      },
      put: async (key, body) => {
        mkdirSync(dirname(join(dir, key)), { recursive: true });
        writeFileSync(join(dir, key), body);
      },
    },
    ledger: {
      leaseChunk: unused,
      chunkTouched: unused,
      releaseChunk: unused,
      statuses: unused,
      reserve: unused,
      settle: unused,
      finishChunk: unused,
      chunkCounts: async (runId, activityId) => counts.get(`${runId}/${activityId}`) ?? new Map(),
    },
    // The fake sender's ledger: what chunkCounts answers.
    ...({ counts } as object),
  } as ChannelDeps;
}

beforeAll(async () => {
  const t = await openTestDb();
  await writeTinyData(t);
  dir = mkdtempSync(join(tmpdir(), 'orca-send-'));
  // The tiny data's Parquet files, copied under the runtime's data root.
  for (const f of listFiles(t.dir)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), readFileSync(join(t.dir, f)));
  }
  t.close();
  const ch = channels();
  const counts = (ch as unknown as { counts: Map<string, Map<number, { sent: number }>> }).counts;
  rt = await LocalRuntime.open({
    dataRoot: dir,
    catalog,
    memoryStore: true,
    waitMs: 0,
    threads: 2,
    memoryLimit: '1GB',
    channels: ch,
    // Sends recipients 1 and 2 of the four with an address (5 and 6 fail), writing the message log.
    sendChunk: async (job) => {
      jobs.push(job);
      // The message log's day: the run's (the sent step reads from the run's first day on).
      const day = (await rt.store.getRun(job.runId))!.startedAt.slice(0, 10);
      const file = join(
        dir,
        `channels/messages/channel=email/day=${day}/${job.runId}_${job.activity.id}_${job.chunk}.jsonl`,
      );
      mkdirSync(dirname(file), { recursive: true });
      const lines = [1, 2, 5, 6].map((id) =>
        JSON.stringify({
          message_id: md5(`${job.runId}|${job.activity.id}|${id}`),
          run_id: job.runId,
          activity_id: job.activity.id,
          outcome: id <= 2 ? 'sent' : 'failed',
        }),
      );
      writeFileSync(file, `${lines.join('\n')}\n`);
      counts.set(`${job.runId}/${job.activity.id}`, new Map([[job.chunk, { sent: 2, failed: 2 } as { sent: number }]]));
      return { counts: { sent: 2, failed: 2 }, done: true };
    },
  });
}, 60_000);

afterAll(async () => {
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

function compiled() {
  const v = validateCampaign(doc, catalog, { now: new Date() });
  expect(v.errors).toEqual([]);
  return compileCampaign(v.analysis!).definition;
}

/** Polls until `f` answers (within 20 s: a count of turns ran out on a loaded machine). */
async function until<T>(f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('never happened');
}

describe('an email activity on the local runner', () => {
  it('in test mode: prepares and counts (4 messages; 2 excluded, no address), sends nothing', async () => {
    const run = await rt.run(compiled(), { runId: 'run-test', testMode: true });
    expect(run.status).toBe('completed');
    const logs = (await rt.store.listLogs(run.runId)).map((l) => l.message);
    expect(logs).toContain('prepared: 4 messages to send, 2 excluded (noAddress 2); test mode: nothing is sent');
    expect(logs).toContain('test mode: nothing sent');
    expect(jobs.filter((j) => j.runId === 'run-test')).toEqual([]);
    expect(counters.find((c) => c.runId === 'run-test')?.counters).toEqual({ targeted: 6, 'excluded.noAddress': 2 });
    const t = await rt.store.listTransitions(run.runId);
    const excluded = t.find((x) => x.from === 'mail' && x.output === 'excluded')!;
    // Recipients 3 (NULL email) and 4 (empty email).
    expect((await rt.engine.preview(excluded.population!, 10, 0)).map((r) => [Number(r.id), r.orca_reason])).toEqual([
      [3, 'noAddress'],
      [4, 'noAddress'],
    ]);
    expect(t.find((x) => x.from === 'mail' && x.output === 'sent')?.population?.rows ?? 0).toBe(0);
  }, 60_000);

  it('otherwise it waits for a confirmation (needs attention), then sends its chunk; sent = what the message log says', async () => {
    const done = rt.run(compiled(), { runId: 'run-real' });
    await until(async () =>
      (await rt.store.listActivities('run-real')).find((a) => a.activityId === 'mail' && a.status === 'needsAttention'),
    );
    expect(jobs.filter((j) => j.runId === 'run-real')).toEqual([]);
    expect(rt.control.confirm('run-real', 'all')).toBe(false);
    // The parking follows the status by a few steps: confirm once it is there.
    expect(await until(async () => rt.control.confirm('run-real', 'mail') || undefined)).toBe(true);
    const run = await done;
    expect(run.status).toBe('completed');
    const [job] = jobs.filter((j) => j.runId === 'run-real');
    expect(job).toMatchObject({ campaignId: 'news', chunk: 0, channel: 'email' });
    expect(job!.deadline).toBeGreaterThan(Date.now());
    const logs = (await rt.store.listLogs(run.runId)).map((l) => l.message);
    expect(logs).toContain('sent 2, failed 2');
    const sent = (await rt.store.listTransitions(run.runId)).find((x) => x.from === 'mail' && x.output === 'sent')!;
    expect((await rt.engine.preview(sent.population!, 10, 0)).map((r) => Number(r.id))).toEqual([1, 2]);
    expect(counters.filter((c) => c.runId === 'run-real').map((c) => c.counters)).toEqual([
      { targeted: 6, 'excluded.noAddress': 2 },
      { sent: 2, failed: 2 },
    ]);
  }, 60_000);
});
