import { describe, expect, it } from 'vitest';
import { type Fakes, fakeDeps } from '../../test/helpers/fakes/index.js';
import {
  activity,
  outbound,
  pop,
  RUN_ID,
  recordEvent,
  runContext,
  schema,
  seedRun,
  STARTED_AT,
} from '../../test/helpers/fakes/events.js';
import type { Saves, WorkSchema } from '../activities/framework.js';
import type { Target } from '../ports/engine.js';
import type { GateResult, OutboundRef } from './types.js';
import { recordActivity } from './record.js';

type QueryGate = Extract<GateResult, { action: 'query' }>;

const TARGET: Target = { location: `work/camp/${RUN_ID}/a`, table: 'w_a' };

/** What the gate answered for a query activity, as the state machine hands it to record. */
function queryGate(
  raw: Record<string, unknown>,
  options: {
    outputs?: Record<string, WorkSchema | null>;
    outbound?: OutboundRef[];
    saves?: Saves;
    target?: Target;
    resetErrors?: boolean;
  } = {},
): QueryGate {
  return {
    action: 'query',
    sql: 'COPY (SELECT ...) TO ...',
    select: 'SELECT 1 AS id, \'main\' AS "orca_output"',
    target: options.target ?? TARGET,
    activity: activity({ id: 'a', ...raw }),
    outbound: options.outbound ?? [outbound('t1', 'next')],
    outputs: options.outputs ?? { main: schema() },
    ...(options.saves ? { saves: options.saves } : {}),
    startedAt: STARTED_AT,
    resetErrors: options.resetErrors ?? false,
  };
}

async function withRun(f: Fakes, type: string, record: { consecutiveErrors?: number } = {}): Promise<void> {
  await seedRun(f.store, {
    record,
    activities: [{ id: 'a', type, status: 'running', startedAt: STARTED_AT, tasks: 1 }],
  });
}

const build = { type: 'buildAudience' };

describe('recordActivity after a query', () => {
  it('counts the outputs and records the transitions, the task, the log and the status', async () => {
    const f = fakeDeps();
    await withRun(f, 'buildAudience');
    f.engine.rows = { main: 1234 };
    const g = queryGate(build);
    await recordActivity(
      {
        ...recordEvent(g, { queryId: 'q-42' }),
        gate: {
          ...g,
          query: { id: 'q-42', statistics: { TotalExecutionTimeInMillis: 850, EngineExecutionTimeInMillis: 700 } },
        },
      },
      f.deps,
    );
    const at = f.clock.iso();
    expect(f.engine.counted).toEqual([{ target: TARGET, queryId: 'q-42' }]);
    const t1 = {
      transitionId: 't1',
      from: 'a',
      output: 'main',
      to: 'next',
      active: true,
      population: { ...schema(), location: TARGET.location, table: TARGET.table, output: 'main', rows: 1234 },
      at,
    };
    expect(await f.store.listTransitions(RUN_ID)).toEqual([t1]);
    expect(f.engine.registered).toEqual([[t1]]);
    expect(await f.store.listTasks(RUN_ID)).toEqual([
      { activityId: 'a', startedAt: STARTED_AT, endedAt: at, status: 'done', rows: 1234 },
    ]);
    expect(await f.store.listLogs(RUN_ID)).toEqual([
      {
        id: expect.any(String),
        at,
        level: 'info',
        activity: 'a',
        message: 'done: main 1,234',
        sql: g.select,
        durationMs: 850,
        rows: 1234,
      },
    ]);
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ status: 'done', endedAt: at, rows: 1234 });
  });

  it('measures the duration by the clock when the engine gives no statistics', async () => {
    const f = fakeDeps();
    await withRun(f, 'buildAudience');
    f.engine.rows = { main: 1 };
    f.clock.set('2026-11-22T12:00:01.500Z');
    await recordActivity(recordEvent(queryGate(build)), f.deps);
    expect((await f.store.listLogs(RUN_ID))[0]?.durationMs).toBe(1500);
  });

  it('an empty result stops the path unless the activity emits when empty', async () => {
    const f = fakeDeps();
    await withRun(f, 'buildAudience');
    // An output with no rows wrote no files: the engine does not list it.
    f.engine.rows = {};
    await recordActivity(recordEvent(queryGate(build)), f.deps);
    expect(await f.store.listTransitions(RUN_ID)).toMatchObject([
      { transitionId: 't1', active: false, population: null },
    ]);
    expect(f.engine.registered).toEqual([[]]);
    expect(await f.store.listLogs(RUN_ID)).toMatchObject([
      { message: 'done: main 0; main empty, not continued', rows: 0 },
    ]);
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ status: 'done', rows: 0 });
  });

  it('an empty result carries on with emitWhenEmpty', async () => {
    const f = fakeDeps();
    await withRun(f, 'buildAudience');
    await recordActivity(recordEvent(queryGate({ ...build, emitWhenEmpty: true })), f.deps);
    expect(await f.store.listTransitions(RUN_ID)).toMatchObject([
      { active: true, population: { output: 'main', rows: 0 } },
    ]);
  });

  it('a Split subset with skipIfEmpty stops when empty; the others go on', async () => {
    const f = fakeDeps();
    await withRun(f, 'split');
    f.engine.rows = { gold: 2 };
    const g = queryGate(
      {
        type: 'split',
        subsets: [{ id: 'gold', limit: { count: 2 } }, { id: 'silver', skipIfEmpty: true }, { id: 'bronze' }],
      },
      {
        outputs: { gold: schema(), silver: schema(), bronze: schema() },
        outbound: [outbound('t1', 'x', 'gold'), outbound('t2', 'y', 'silver'), outbound('t3', 'z', 'bronze')],
      },
    );
    await recordActivity(recordEvent(g), f.deps);
    expect(await f.store.listTransitions(RUN_ID)).toMatchObject([
      { transitionId: 't1', active: true, population: { output: 'gold', rows: 2 } },
      { transitionId: 't2', active: false, population: null },
      { transitionId: 't3', active: true, population: { output: 'bronze', rows: 0 } },
    ]);
    expect(f.engine.registered[0]?.map((t) => t.transitionId)).toEqual(['t1', 't3']);
    expect((await f.store.listLogs(RUN_ID))[0]?.message).toBe(
      'done: gold 2, silver 0, bronze 0; silver empty, not continued',
    );
  });

  it('counts every output when there is no main one', async () => {
    const f = fakeDeps();
    await withRun(f, 'split');
    f.engine.rows = { gold: 2, silver: 3 };
    const g = queryGate(
      { type: 'split', subsets: [{ id: 'gold' }, { id: 'silver' }] },
      { outputs: { gold: schema(), silver: schema() }, outbound: [outbound('t1', 'x', 'gold')] },
    );
    await recordActivity(recordEvent(g), f.deps);
    expect(f.store.activity(RUN_ID, 'a').rows).toBe(5);
  });

  it('moves the pointer of a saved audience to the version just written', async () => {
    const f = fakeDeps();
    await withRun(f, 'saveAudience');
    f.engine.rows = { main: 3 };
    const target = { location: `audiences/vips/${RUN_ID}-a`, table: 'a_vips' };
    await recordActivity(
      recordEvent(queryGate({ type: 'saveAudience', audience: 'vips' }, { target, saves: { audience: 'vips' } })),
      f.deps,
    );
    expect(await f.store.getAudience('vips')).toEqual({
      name: 'vips',
      campaignId: 'camp',
      runId: RUN_ID,
      savedAt: f.clock.iso(),
      population: { dimension: 'recipients', columns: schema().columns, ...target, output: 'main', rows: 3 },
    });
    expect((await f.store.listLogs(RUN_ID))[0]?.message).toBe("done: main 3; audience 'vips' saved");
  });

  it("an incremental query remembers this run's keys, and an empty result stops its path", async () => {
    const f = fakeDeps();
    await withRun(f, 'incrementalQuery');
    f.engine.rows = { main: 0 };
    const target = { location: `state/camp/a/${RUN_ID}`, table: 'h_camp_a' };
    await recordActivity(
      recordEvent(queryGate({ type: 'incrementalQuery' }, { target, saves: { history: true } })),
      f.deps,
    );
    expect(await f.store.getHistory('camp', 'a')).toEqual({
      lastRunAt: STARTED_AT,
      entries: [{ runId: RUN_ID, at: STARTED_AT, population: { ...schema(), ...target, output: 'main', rows: 0 } }],
    });
    expect(await f.store.listTransitions(RUN_ID)).toMatchObject([{ active: false }]);
  });

  it('an incremental query by date only moves its watermark', async () => {
    const f = fakeDeps();
    await withRun(f, 'incrementalQuery');
    f.engine.rows = { main: 4 };
    const g = queryGate(
      { type: 'incrementalQuery', mode: { type: 'newerThanLastRun', field: 'created_at' } },
      { saves: { watermark: true } },
    );
    await recordActivity(recordEvent(g), f.deps);
    expect(await f.store.getHistory('camp', 'a')).toEqual({ lastRunAt: STARTED_AT, entries: [] });
    expect(await f.store.listTransitions(RUN_ID)).toMatchObject([{ active: true, population: { rows: 4 } }]);
  });

  it('a test run writes no audience, no incremental memory and no watermark, whatever the gate asked', async () => {
    const f = fakeDeps();
    await withRun(f, 'incrementalQuery');
    f.engine.rows = { main: 3 };
    const test = { run: runContext({ testMode: true }) };
    for (const saves of [{ audience: 'vips' }, { history: true }, { watermark: true }] as Saves[])
      await recordActivity(recordEvent(queryGate({ type: 'incrementalQuery' }, { saves }), test), f.deps);
    expect(await f.store.getAudience('vips')).toBeUndefined();
    expect(await f.store.getHistory('camp', 'a')).toEqual({ entries: [] });
  });

  it('fails on too many rejects, logging the counts, and records no transition', async () => {
    const f = fakeDeps();
    await withRun(f, 'loadFile');
    f.engine.rows = { main: 5, rejects: 3 };
    const g = queryGate(
      { type: 'loadFile', file: 'incoming/leads.csv', columns: [{ name: 'email' }], maxRejects: 2 },
      {
        outputs: { main: schema(null, [{ name: 'email', type: 'string' }]), rejects: schema(null) },
        outbound: [outbound('t1', 'x'), outbound('t2', 'y', 'rejects')],
      },
    );
    await expect(recordActivity(recordEvent(g), f.deps)).rejects.toMatchObject({
      name: 'Orca.ActivityError',
      message: expect.stringMatching(/^3 line\(s\) of incoming\/leads.csv were rejected, more than the limit of 2;/),
    });
    expect(await f.store.listLogs(RUN_ID)).toMatchObject([
      { level: 'info', activity: 'a', message: 'query done (main 5, rejects 3)', sql: g.select },
    ]);
    expect(await f.store.listTransitions(RUN_ID)).toEqual([]);
    expect(await f.store.listTasks(RUN_ID)).toEqual([]);
    expect(f.store.activity(RUN_ID, 'a').status).toBe('running');
  });

  it('resets the consecutive error count when the gate asks for it', async () => {
    const f = fakeDeps();
    await withRun(f, 'buildAudience', { consecutiveErrors: 2 });
    f.engine.rows = { main: 1 };
    await recordActivity(recordEvent(queryGate(build, { resetErrors: true })), f.deps);
    expect(f.store.run(RUN_ID).consecutiveErrors).toBe(0);
  });

  it('leaves the count of errors in a row alone otherwise', async () => {
    const f = fakeDeps();
    await withRun(f, 'buildAudience', { consecutiveErrors: 2 });
    f.engine.rows = { main: 1 };
    await recordActivity(recordEvent(queryGate(build)), f.deps);
    expect(f.store.run(RUN_ID).consecutiveErrors).toBe(2);
  });
});

describe('recordActivity after a wait', () => {
  it('forwards what the gate said each output carries, without the engine', async () => {
    const f = fakeDeps();
    await withRun(f, 'wait');
    const input = pop('build', 'main', 9);
    f.clock.set('2026-11-22T14:00:00.000Z');
    await recordActivity(
      recordEvent(
        {
          action: 'wait',
          seconds: 7200,
          activity: activity({ id: 'a', type: 'wait', duration: { value: 2, unit: 'hours' } }),
          outbound: [outbound('t1', 'next')],
          forward: { main: { active: true, population: input } },
          startedAt: STARTED_AT,
          resetErrors: false,
        },
        { run: runContext() },
      ),
      f.deps,
    );
    expect(await f.store.listTransitions(RUN_ID)).toEqual([
      { transitionId: 't1', from: 'a', output: 'main', to: 'next', active: true, population: input, at: f.clock.iso() },
    ]);
    expect(await f.store.listLogs(RUN_ID)).toMatchObject([{ message: 'waited', durationMs: 7_200_000 }]);
    expect(f.store.activity(RUN_ID, 'a').status).toBe('done');
    expect(f.engine.counted).toEqual([]);
    expect(f.engine.registered).toEqual([]);
  });
});
