/**
 * Run control on the embedded runtime, through the API, with real waits: pause takes effect before
 * the next activity and resume gives the counts of an uninterrupted run; stop is final; each error
 * policy; breakpoints; signals; asap; and stop cancels a query in flight.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, waitingCampaign, type TestServer } from './helpers/server.js';
import { waitFor } from './helpers/wait.js';
import { DuckDbEngine, QueryCancelled } from '../lambdas/adapters/duckdb-engine.js';
import type { RunDetail } from '../lambdas/api/runs.js';
import type { LogEntry } from '../lambdas/ports/store.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

type Transition = RunDetail['transitions'][number];
const ended = (b: { status?: string } | undefined) => ['completed', 'failed', 'stopped'].includes(b?.status ?? '');
const activity = (run: RunDetail, id: string) => run.activities.find((a) => a.id === id);
const counts = (run: RunDetail) => Object.fromEntries(run.transitions.map((x) => [x.id, [x.active, x.rows]]));

async function publish(doc: Record<string, unknown>) {
  expect((await t.call('POST', '/campaigns', doc)).status).toBe(201);
  const p = await t.call('POST', `/campaigns/${doc.id}/publish`);
  expect(p.status).toBe(200);
  return p.body;
}

async function start(id: string, body: unknown = {}) {
  const r = await t.call('POST', `/campaigns/${id}/runs`, body);
  expect(r.status).toBe(202);
  return r.body.runId as string;
}

describe('pause, resume, stop', () => {
  beforeAll(async () => {
    await publish(waitingCampaign('pausing', 2));
  });

  it('pause takes effect before the next activity; resume completes with the counts of an uninterrupted run', async () => {
    // The reference run goes alongside (the campaign keeps no state, so its runs may overlap).
    const referenceRun = t.until(`/runs/${await start('pausing')}`, ended);
    referenceRun.catch(() => {}); // awaited below; not an unhandled rejection if the test fails before
    const runId = await start('pausing');
    await t.until(`/runs/${runId}`, (b) => activity(b, 'pause_here')?.status === 'running');
    expect((await t.call('POST', `/runs/${runId}/pause`)).body).toMatchObject({
      status: 'paused',
      pausedReason: 'paused by local',
    });
    // The wait (2 s) ends while paused: the next activity's gate then parks it instead of starting it.
    const paused = await t.until(`/runs/${runId}`, (b) => activity(b, 'dedup')?.status !== 'pending');
    expect(paused.status).toBe('paused');
    expect(activity(paused, 'pause_here')?.status).toBe('done');
    expect(activity(paused, 'dedup')?.status).toBe('waiting');
    expect(activity(paused, 'dedup')?.startedAt).toBeUndefined();
    expect(activity(paused, 'enrich')?.status).toBe('pending');
    expect((await t.call('POST', `/runs/${runId}/pause`)).status).toBe(409);

    expect((await t.call('POST', `/runs/${runId}/resume`)).status).toBe(200);
    const resumed = await t.until(`/runs/${runId}`, ended);
    expect(resumed.status).toBe('completed');
    const reference = await referenceRun;
    expect(reference.status).toBe('completed');
    expect(counts(resumed)).toEqual(counts(reference));
    const logs = (await t.call('GET', `/runs/${runId}/logs?q=by%20local`)).body.map((l: LogEntry) => l.message);
    expect(logs).toEqual([expect.stringMatching(/^paused by local/), 'resumed by local']);
  });

  it('stop ends the run for good: what follows never starts, and it cannot be resumed', async () => {
    const runId = await start('pausing');
    await t.until(`/runs/${runId}`, (b) => activity(b, 'pause_here')?.status === 'running');
    const stopped = await t.call('POST', `/runs/${runId}/stop`);
    expect(stopped.body.status).toBe('stopped');
    expect(await t.call('POST', `/runs/${runId}/resume`)).toMatchObject({
      status: 409,
      body: { message: 'a stopped run cannot be resumed; restart the campaign' },
    });
    // Once the execution has ended (the wait would have ended after 2 s), nothing ran after the stop.
    await waitFor(() => !t.server.platform.running.has(runId), { what: `the end of run ${runId}'s execution` });
    const after = (await t.call('GET', `/runs/${runId}`)).body;
    expect(after.status).toBe('stopped');
    expect(activity(after, 'dedup')?.status).toBe('notRun');
    expect(activity(after, 'enrich')?.status).toBe('notRun');
    expect(activity(after, 'pause_here')?.status).toBe('failed');
  });

  it('a paused run can be stopped too', async () => {
    const runId = await start('pausing');
    await t.until(`/runs/${runId}`, (b) => activity(b, 'pause_here')?.status === 'running');
    await t.call('POST', `/runs/${runId}/pause`);
    expect((await t.call('POST', `/runs/${runId}/stop`)).body.status).toBe('stopped');
  });

  it('a campaign with a run in progress cannot be deleted or archived', async () => {
    const runId = await start('pausing');
    await t.until(`/runs/${runId}`, (b) => activity(b, 'pause_here')?.status === 'running');
    expect(await t.call('DELETE', '/campaigns/pausing')).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('a run is in progress') },
    });
    expect((await t.call('POST', '/campaigns/pausing/archive')).status).toBe(409);
    expect((await t.until(`/runs/${runId}`, ended)).status).toBe('completed');
  });

  it('an older run still in progress counts too, not only the newest', async () => {
    const older = await start('pausing');
    await t.until(`/runs/${older}`, (b) => activity(b, 'pause_here')?.status === 'running');
    await t.call('POST', `/runs/${older}/pause`);
    const newer = await start('pausing');
    await t.call('POST', `/runs/${newer}/stop`);
    expect((await t.call('GET', '/campaigns/pausing/runs')).body[0].runId).toBe(newer);
    expect((await t.call('DELETE', '/campaigns/pausing')).status).toBe(409);
    expect((await t.call('GET', '/campaigns/pausing')).body.runInProgress).toBe(true);
    await t.call('POST', `/runs/${older}/stop`);
  });
});

describe('when the platform fails', () => {
  const platform = () => t.server.platform as unknown as Record<string, unknown>;
  async function failing<T>(method: string, body: () => Promise<T>): Promise<T> {
    const original = platform()[method];
    platform()[method] = async () => {
      throw new Error(`${method} failed (injected)`);
    };
    try {
      return await body();
    } finally {
      platform()[method] = original;
    }
  }

  it('a publication that fails to deploy leaves the campaign as it was; the next one takes the same version number', async () => {
    await publish(waitingCampaign('flaky', 0));
    await t.call('PUT', '/campaigns/flaky', {
      ...waitingCampaign('flaky', 0),
      label: 'Second',
      trigger: { type: 'daily', hours: [6] },
    });
    const failed = await failing('publish', () => t.call('POST', '/campaigns/flaky/publish'));
    expect(failed).toMatchObject({
      status: 500,
      body: { error: 'internal_error', message: expect.not.stringContaining('injected') },
    });
    expect((await t.call('GET', '/campaigns/flaky')).body).toMatchObject({
      status: 'live',
      version: 1,
      changed: true,
      label: 'Second',
    });
    expect((await t.call('POST', '/campaigns/flaky/publish')).body).toMatchObject({
      status: 'scheduled',
      version: 2,
      changed: false,
      nextRun: expect.stringMatching(/T06:00:00/),
    });
  });

  it('a run that fails to start is recorded as failed and does not block the campaign', async () => {
    const r = await failing('start', () => t.call('POST', '/campaigns/flaky/runs'));
    expect(r.status).toBe(500);
    const runs = (await t.call('GET', '/campaigns/flaky/runs')).body;
    expect(runs[0]).toMatchObject({ status: 'failed', error: 'the run did not start: start failed (injected)' });
    expect((await t.call('GET', '/campaigns/flaky')).body.runInProgress).toBe(false);
  });

  it('a stop that fails leaves the run stopping (nothing new starts); stop again finishes it', async () => {
    const runId = await start('pausing');
    await t.until(`/runs/${runId}`, (b) => activity(b, 'pause_here')?.status === 'running');
    expect((await failing('stop', () => t.call('POST', `/runs/${runId}/stop`))).status).toBe(500);
    expect((await t.call('GET', `/runs/${runId}`)).body.status).toBe('stopping');
    expect((await t.call('GET', `/runs/${runId}/logs?level=error`)).body.map((l: LogEntry) => l.message)).toEqual([
      expect.stringContaining('send stop again'),
    ]);
    expect((await t.call('POST', `/runs/${runId}/stop`)).body.status).toBe('stopped');
  });

  it('a schedule with no launch left is refused at publication (422)', async () => {
    await t.call('POST', '/campaigns', {
      ...waitingCampaign('too-late', 0),
      trigger: { type: 'once', at: '2020-01-01T09:00' },
    });
    expect(await t.call('POST', '/campaigns/too-late/publish')).toMatchObject({
      status: 422,
      body: { details: { errors: [expect.objectContaining({ path: 'trigger' })] } },
    });
    expect((await t.call('GET', '/campaigns/too-late')).body).toMatchObject({ status: 'draft', version: 0 });
  });
});

describe('error policies', () => {
  function loading(id: string, file: string, policy: Record<string, unknown>) {
    return {
      id,
      label: id,
      dimension: 'recipients',
      timezone: 'UTC',
      errorPolicy: policy,
      activities: [
        { id: 'load', type: 'loadFile', file, columns: [{ name: 'n', type: 'integer' }], maxRejects: 0 },
        { id: 'people', type: 'buildAudience', query: { attribute: 'vip', operator: 'equal', value: true } },
        { id: 'done', type: 'end' },
      ],
      transitions: [
        { from: 'load', to: 'done' },
        { from: 'load', output: 'rejects', to: 'done' },
        { from: 'people', to: 'done' },
      ],
    };
  }
  const csv = (name: string, text: string) => {
    mkdirSync(join(t.db.dir, 'incoming'), { recursive: true });
    writeFileSync(join(t.db.dir, 'incoming', name), text);
    return `incoming/${name}`;
  };

  it("abort: the run fails, with the activity's error", async () => {
    await publish(loading('abort-policy', csv('abort.csv', 'n\nx\n'), { onError: 'abort' }));
    const run = await t.until(`/runs/${await start('abort-policy')}`, ended);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('load failed: 1 line(s)') });
    expect(activity(run, 'load')).toMatchObject({ status: 'failed' });
    expect(activity(run, 'people')?.status).toBe('done');
  });

  it('suspend: the run pauses on the failing activity; fix the cause, resume, and it runs again', async () => {
    const file = csv('suspend.csv', 'n\nx\n');
    await publish(loading('suspend-policy', file, { onError: 'suspend' }));
    const runId = await start('suspend-policy');
    const paused = await t.until(`/runs/${runId}`, (b) => b.status === 'paused');
    expect(paused.pausedReason).toMatch(/^load failed: 1 line\(s\)/);
    expect(activity(paused, 'load')?.status).toBe('needsAttention');
    csv('suspend.csv', 'n\n1\n2\n');
    await t.call('POST', `/runs/${runId}/resume`);
    const run = await t.until(`/runs/${runId}`, ended);
    expect(run.status).toBe('completed');
    expect(activity(run, 'load')).toMatchObject({ status: 'done', tasks: 2 });
    expect(run.transitions.find((x: Transition) => x.id === 'load-done')).toMatchObject({ active: true, rows: 2 });
  });

  it('ignore: the failing path stops, the run goes on; more errors in a row than allowed fail it', async () => {
    await publish(
      loading('ignore-policy', csv('ignore.csv', 'n\nx\n'), { onError: 'ignore', maxConsecutiveErrors: 2 }),
    );
    const run = await t.until(`/runs/${await start('ignore-policy')}`, ended);
    expect(run.status).toBe('completed');
    expect(activity(run, 'load')?.status).toBe('failed');
    expect(run.transitions.find((x: Transition) => x.id === 'load-done').active).toBe(false);
    const strict = {
      ...loading('ignore-strict', csv('ignore2.csv', 'n\nx\n'), { onError: 'ignore', maxConsecutiveErrors: 1 }),
    };
    strict.activities.push({
      id: 'load2',
      type: 'loadFile',
      file: csv('ignore3.csv', 'n\ny\n'),
      columns: [{ name: 'n', type: 'integer' }],
      maxRejects: 0,
    });
    strict.transitions.push({ from: 'load2', to: 'done' }, { from: 'load2', output: 'rejects', to: 'done' });
    await publish(strict);
    const failed = await t.until(`/runs/${await start('ignore-strict')}`, ended);
    expect(failed).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('2 errors in a row, more than the 1 the error policy ignores'),
    });
  });
});

describe('breakpoints, signals, asap', () => {
  it('a breakpoint pauses the run before the activity, its inbound data can be inspected, resume goes on', async () => {
    const doc = waitingCampaign('breaking', 0);
    (doc.activities[2] as Record<string, unknown>).breakpoint = true;
    await publish(doc);
    const runId = await start('breaking');
    const paused = await t.until(`/runs/${runId}`, (b) => b.status === 'paused');
    expect(paused.pausedReason).toBe('breakpoint before dedup');
    const rows = await t.call('GET', `/runs/${runId}/transitions/pause_here-dedup/rows`);
    expect(rows.body.rows.map((r: Record<string, unknown>) => r.id).sort()).toEqual([1, 3, 5]);
    await t.call('POST', `/runs/${runId}/resume`);
    expect((await t.until(`/runs/${runId}`, ended)).status).toBe('completed');
  });

  it("an End activity's signal starts another campaign with its variables", async () => {
    await publish({ ...waitingCampaign('listener', 0), variables: { source: { type: 'string' } } });
    await publish({
      id: 'signaller',
      label: 'Signaller',
      dimension: 'recipients',
      activities: [
        { id: 'a', type: 'buildAudience' },
        { id: 'e', type: 'end', signal: { campaign: 'listener', variables: { source: 'signaller' } } },
      ],
      transitions: [{ from: 'a', to: 'e' }],
    });
    const run = await t.until(`/runs/${await start('signaller')}`, ended);
    expect(run.status).toBe('completed');
    const listened = await t.until('/campaigns/listener/runs', (b) => b.length === 1);
    const detail = await t.until(`/runs/${listened[0].runId}`, ended);
    expect(detail.status).toBe('completed');
    const logs = (await t.call('GET', `/runs/${run.runId}/logs?activity=e`)).body;
    expect(logs[0].message).toMatch(/^signal sent: started campaign 'listener'/);
  });

  it('an asap campaign runs as soon as it is published', async () => {
    const published = await publish({ ...waitingCampaign('right-away', 0), trigger: { type: 'asap' } });
    expect(published).toMatchObject({ status: 'live', startedRun: expect.any(String) });
    expect((await t.until(`/runs/${published.startedRun}`, ended)).status).toBe('completed');
  });
});

describe('cancelling a query', () => {
  it('stop interrupts the queries in flight of its run, and only those', async () => {
    const engine = await DuckDbEngine.open(t.db.dir, { threads: 2 });
    const submitted = vi.spyOn(DuckDBConnection.prototype, 'runAndReadAll');
    const slow = (location: string) =>
      engine.execute(`SELECT count(*) FROM range(100000000000) AS r(i) WHERE hash(i) % 7 = 3 AND '${location}' <> ''`);
    try {
      const mine = slow('work/c/20261122T100000000Z-aaaaaa/a/');
      const other = slow('work/c/20261122T100000000Z-bbbbbb/a/');
      other.catch(() => undefined);
      let otherSettled = false;
      other.finally(() => (otherSettled = true)).catch(() => undefined);
      // Both statements handed to DuckDB ...
      await waitFor(
        () => submitted.mock.calls.filter(([sql]) => String(sql).includes('range(100000000000)')).length === 2,
        { what: 'both queries to be submitted' },
      );
      // ... and taken up by their worker threads: libuv's pool runs work in order, so a file-system
      // call queued after them returns once both have started (an interrupt before would be lost).
      await stat(t.db.dir);
      const started = performance.now();
      expect(engine.cancelRun('20261122T100000000Z-aaaaaa')).toHaveLength(1);
      await expect(mine).rejects.toBeInstanceOf(QueryCancelled);
      expect(performance.now() - started).toBeLessThan(5000);
      // The other run's query is still running until it is cancelled in turn.
      const stillRunning = otherSettled ? 'ended' : 'running';
      expect(stillRunning).toBe('running');
      expect(engine.cancelRun('20261122T100000000Z-bbbbbb')).toHaveLength(1);
      await expect(other).rejects.toBeInstanceOf(QueryCancelled);
    } finally {
      submitted.mockRestore();
      engine.close();
    }
  });
});

describe('concurrent runs of one campaign (README: "Concurrent runs")', () => {
  /** An incremental query over everyone (6 recipients), a short wait so that runs overlap, an end. */
  const incremental = (id: string) => ({
    id,
    label: `Incremental ${id}`,
    dimension: 'recipients',
    timezone: 'UTC',
    activities: [
      { id: 'fresh', type: 'incrementalQuery', mode: { type: 'newKeys', historyDays: 0 } },
      { id: 'hold', type: 'wait', duration: { value: 1, unit: 'seconds' } },
      { id: 'done', type: 'end' },
    ],
    transitions: [
      { from: 'fresh', to: 'hold' },
      { from: 'hold', to: 'done' },
    ],
  });
  const keysOf = async (runId: string) =>
    (await t.call('GET', `/runs/${runId}/transitions/fresh-hold/rows?limit=100`)).body.rows.map((r: { id: number }) =>
      Number(r.id),
    );

  it('a campaign that keeps state runs one at a time: of 5 concurrent starts one runs, 4 get 409; no key is output twice', async () => {
    await publish(incremental('once'));
    const outputs: number[] = [];
    for (const wave of [1, 2]) {
      const answers = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/campaigns/once/runs', {})));
      const accepted = answers.filter((a) => a.status === 202);
      expect(accepted, `wave ${wave}`).toHaveLength(1);
      const refused = answers.filter((a) => a.status === 409);
      expect(refused).toHaveLength(4);
      const runId = accepted[0]!.body.runId as string;
      for (const r of refused)
        expect(r.body.message).toBe(
          `campaign 'once' keeps state between runs (incremental query, saved audience), so it runs one at a time, and run ${runId} is in progress: wait for it to end, or stop it`,
        );
      expect((await t.until(`/runs/${runId}`, ended)).status).toBe('completed');
      outputs.push(...(await keysOf(runId)));
    }
    // The first wave's run outputs everyone; the second finds nobody new.
    expect(outputs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    // Test runs read that state too: one at a time as well.
    const real = await start('once');
    expect((await t.call('POST', '/campaigns/once/runs', { testMode: true })).status).toBe(409);
    await t.until(`/runs/${real}`, ended);
    const test = await start('once', { testMode: true });
    expect((await t.call('POST', '/campaigns/once/runs', {})).status).toBe(409);
    await t.until(`/runs/${test}`, ended);
  });

  it('50 concurrent starts: one run, 49 refusals, and only that run is recorded; the next start after it runs', async () => {
    await publish(incremental('fifty'));
    const answers = await Promise.all(Array.from({ length: 50 }, () => t.call('POST', '/campaigns/fifty/runs', {})));
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...Array(49).fill(409)]);
    const runId = answers.find((a) => a.status === 202)!.body.runId;
    expect((await t.call('GET', '/campaigns/fifty/runs')).body.map((r: { runId: string }) => r.runId)).toEqual([runId]);
    await t.until(`/runs/${runId}`, ended);
    const next = await start('fifty');
    expect((await t.until(`/runs/${next}`, ended)).status).toBe('completed');
  });

  it('campaigns that keep no state run concurrently: 5 concurrent starts, 5 runs', async () => {
    await publish(waitingCampaign('shared', 0));
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/campaigns/shared/runs', {})));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    for (const a of answers) expect((await t.until(`/runs/${a.body.runId}`, ended)).status).toBe('completed');
  });

  it('a delete and a start of the same campaign at once: exactly one of them succeeds', async () => {
    for (let i = 0; i < 6; i++) {
      const id = `racing${i}`;
      await publish(waitingCampaign(id, 2));
      const [started, deleted] = await Promise.all([
        t.call('POST', `/campaigns/${id}/runs`, {}),
        t.call('DELETE', `/campaigns/${id}`),
      ]);
      const wins = [started.status === 202, deleted.status === 204];
      expect(wins.filter(Boolean), `${id}: start ${started.status}, delete ${deleted.status}`).toHaveLength(1);
      if (started.status === 202) {
        expect(deleted.status).toBe(409);
        expect((await t.call('GET', `/campaigns/${id}`)).status).toBe(200);
        await t.call('POST', `/runs/${started.body.runId}/stop`);
      } else expect([404, 409]).toContain(started.status);
    }
  });
});
