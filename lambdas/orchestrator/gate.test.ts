import { describe, expect, it } from 'vitest';
import { type Fakes, fakeDeps, materialized } from '../../test/helpers/fakes/index.js';
import {
  gateEvent,
  inbound,
  outbound,
  pop,
  RUN_ID,
  runContext,
  campaign,
  schema,
  seedRun,
  STARTED_AT,
} from '../../test/helpers/fakes/events.js';
import type { GateResult, SuspendedEvent } from './types.js';
import type { TransitionRecord } from '../ports/store.js';
import type { Population } from '../sql/population.js';
import { glueTableName, workTableName } from '../layout.js';
import { gate, PARKED, suspended } from './gate.js';

/** A transition the activity before wrote: active with its population, or inactive. */
function ran(id: string, from: string, population: Population | null, at = STARTED_AT): TransitionRecord {
  return { transitionId: id, from, output: 'main', to: 'x', active: population !== null, population, at };
}

async function withRun(
  f: Fakes,
  activities: Array<{ id: string; type: string }>,
  record: NonNullable<Parameters<typeof seedRun>[1]>['record'] = {},
  run = runContext(),
): Promise<void> {
  await seedRun(f.store, { run, record, activities });
}

/** The gate's answer when it is a query (fails the test otherwise). */
function asQuery(r: Awaited<ReturnType<typeof gate>>): Extract<GateResult, { action: 'query' }> {
  if ('parked' in r || r.action !== 'query') throw new Error(`expected a query, got ${JSON.stringify(r)}`);
  return r;
}

const messages = async (f: Fakes) => (await f.store.listLogs(RUN_ID)).map((l) => l.message);

describe('gate: run control', () => {
  it.each(['stopping', 'stopped'] as const)('throws RunStopped on a %s run', async (status) => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { status });
    await expect(gate(gateEvent({ id: 'build', type: 'buildAudience' }), f.deps)).rejects.toMatchObject({
      name: 'Orca.RunStopped',
      message: 'the run was stopped',
    });
    expect(f.store.activity(RUN_ID, 'build').status).toBe('pending');
  });

  it('throws RunStopped when the run is not in the store', async () => {
    const f = fakeDeps();
    await expect(gate(gateEvent({ id: 'build', type: 'buildAudience' }), f.deps)).rejects.toMatchObject({
      name: 'Orca.RunStopped',
    });
  });

  it('parks on a paused run: the activity waits, the parked event is replayed as resumed', async () => {
    const f = fakeDeps({ park: 'parked' });
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { status: 'paused' });
    const e = gateEvent({ id: 'build', type: 'buildAudience' });
    expect(await gate(e, f.deps)).toBe(PARKED);
    expect(f.store.activity(RUN_ID, 'build').status).toBe('waiting');
    expect(f.control.parkings).toEqual([
      { runId: RUN_ID, activityId: 'build', kind: 'gate', token: 'token-build', event: { ...e, resumed: true } },
    ]);
    expect(f.engine.prepared).toEqual([]);
  });

  it('goes on when the run is resumed while parked', async () => {
    const f = fakeDeps({
      park: async () => {
        await f.store.updateRun(RUN_ID, { status: 'running', pausedReason: undefined });
        return 'resumed' as const;
      },
    });
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { status: 'paused' });
    const r = await gate(gateEvent({ id: 'build', type: 'buildAudience' }), f.deps);
    expect(r).toMatchObject({ action: 'query' });
    expect(f.control.parkings).toHaveLength(1);
    expect(f.store.activity(RUN_ID, 'build')).toMatchObject({ status: 'running', tasks: 1 });
  });

  it('parks again when woken while the run is still paused', async () => {
    const f = fakeDeps({ park: (_p, n) => (n < 2 ? 'resumed' : 'parked') });
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { status: 'paused' });
    expect(await gate(gateEvent({ id: 'build', type: 'buildAudience' }), f.deps)).toBe(PARKED);
    expect(f.control.parkings).toHaveLength(2);
  });

  it('a breakpoint pauses the run once, then the resumed gate runs the activity', async () => {
    const f = fakeDeps({ park: 'parked' });
    await withRun(f, [{ id: 'build', type: 'buildAudience' }]);
    const raw = { id: 'build', type: 'buildAudience', breakpoint: true };
    expect(await gate(gateEvent(raw), f.deps)).toBe(PARKED);
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'paused', pausedReason: 'breakpoint before build' });
    expect(f.store.activity(RUN_ID, 'build').status).toBe('waiting');
    expect(await messages(f)).toEqual(['paused at a breakpoint: inspect the inbound transitions, then resume']);

    // The user resumes; the parked event comes back with resumed: true and does not pause again.
    await f.store.updateRun(RUN_ID, { status: 'running', pausedReason: undefined });
    const replayed = f.control.parkings[0]?.event;
    expect(replayed).toMatchObject({ resumed: true });
    const r = await gate(gateEvent(raw, { resumed: true }), f.deps);
    expect(r).toMatchObject({ action: 'query' });
    expect(f.store.run(RUN_ID).status).toBe('running');
    expect(await messages(f)).toHaveLength(1);
  });

  it('a breakpoint on a run paused by a user keeps its reason and logs nothing', async () => {
    const f = fakeDeps({ park: 'parked' });
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { status: 'paused', pausedReason: 'paused by ann' });
    expect(await gate(gateEvent({ id: 'build', type: 'buildAudience', breakpoint: true }), f.deps)).toBe(PARKED);
    expect(f.store.run(RUN_ID).pausedReason).toBe('paused by ann');
    expect(await messages(f)).toEqual([]);
  });
});

describe('gate: skipping', () => {
  it('an aborting run starts no new activity: not run (not skipped: its branch was taken), cutting its path', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { aborting: true, error: 'split failed: boom' });
    const e = gateEvent({ id: 'build', type: 'buildAudience' }, { outbound: [outbound('t1', 'save')] });
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    const at = f.clock.iso();
    expect(f.store.activity(RUN_ID, 'build')).toMatchObject({ status: 'notRun', endedAt: at });
    expect(f.store.transition(RUN_ID, 't1')).toEqual({
      transitionId: 't1',
      from: 'build',
      output: 'main',
      to: 'save',
      active: false,
      population: null,
      at,
    });
    expect(await f.store.listTasks(RUN_ID)).toEqual([
      { activityId: 'build', startedAt: at, endedAt: at, status: 'notRun' },
    ]);
    expect(await messages(f)).toEqual(['not run: the run is failing (split failed: boom): no new activity starts']);
    expect(f.engine.prepared).toEqual([]);
  });

  it('skips an activity none of whose inbound transitions ran, and its path with it', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'fork', type: 'fork' }]);
    await f.store.putTransitions(RUN_ID, [ran('t0', 'build', null)]);
    const e = gateEvent(
      { id: 'fork', type: 'fork' },
      { inbound: [inbound('t0', 'build')], outbound: [outbound('t1', 'a'), outbound('t2', 'b')] },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(f.store.activity(RUN_ID, 'fork').status).toBe('skipped');
    expect((await f.store.listTransitions(RUN_ID)).filter((t) => t.from === 'fork')).toMatchObject([
      { transitionId: 't1', active: false, population: null },
      { transitionId: 't2', active: false, population: null },
    ]);
    expect((await f.store.listTasks(RUN_ID)).map((t) => t.status)).toEqual(['skipped']);
    expect(await messages(f)).toEqual(['skipped: no inbound transition ran']);
  });

  it('control flow from an entry activity carries on: a Fork after an entry Wait (no population) continues', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'fork', type: 'fork' }]);
    // The entry Wait ran, and its transition carries no population.
    await f.store.putTransitions(RUN_ID, [{ ...ran('t0', 'wait', null), active: true }]);
    const e = gateEvent(
      { id: 'fork', type: 'fork' },
      { inbound: [inbound('t0', 'wait', null)], outbound: [outbound('t1', 'a')] },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(f.store.activity(RUN_ID, 'fork').status).toBe('done');
    expect((await f.store.listTransitions(RUN_ID)).filter((t) => t.from === 'fork')).toMatchObject([
      { transitionId: 't1', active: true, population: null },
    ]);
  });

  it('skips an activity after a disabled one (whose transitions are never written)', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'alert', type: 'alert' }]);
    const e = gateEvent({ id: 'alert', type: 'alert', title: 'T', message: 'M' }, { inbound: [inbound('t0', 'off')] });
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(f.store.activity(RUN_ID, 'alert').status).toBe('skipped');
    expect(f.notifier.alerts).toEqual([]);
  });

  it('skips an And-join whose primary input did not run, though another did', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'join', type: 'andJoin' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'a', null), ran('t2', 'b', pop('b'))]);
    const e = gateEvent(
      { id: 'join', type: 'andJoin', primary: 't1' },
      { inbound: [inbound('t1', 'a'), inbound('t2', 'b')], outbound: [outbound('t3', 'end')] },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(await messages(f)).toEqual(["skipped: transition 't1' did not run"]);
    expect(f.store.transition(RUN_ID, 't3')).toMatchObject({ active: false });
  });
});

describe('gate: query activities', () => {
  it('returns the statement, the target and the outputs of a query activity, and marks it running', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }]);
    const e = gateEvent({ id: 'build', type: 'buildAudience' }, { outbound: [outbound('t1', 'split')] });
    const r = asQuery(await gate(e, f.deps));
    const target = { location: `work/camp/${RUN_ID}/build`, table: workTableName('camp', RUN_ID, 'build') };
    expect(r.target).toEqual(target);
    expect(r.select).toContain(`read_parquet('/fake-data/catalog/recipients/**/*.parquet')`);
    expect(r.select).toMatch(/'main' AS "orca_output"/);
    expect(r.sql).toBe(materialized(r.select, target));
    expect(r).toMatchObject({
      activity: e.activity,
      outbound: e.outbound,
      outputs: { main: schema() },
      startedAt: f.clock.iso(),
      resetErrors: false,
    });
    expect(r).not.toHaveProperty('saves');
    expect(f.engine.prepared).toEqual([target]);
    expect(f.engine.csvs).toEqual([]);
    expect(f.store.activity(RUN_ID, 'build')).toMatchObject({ status: 'running', startedAt: f.clock.iso(), tasks: 1 });
  });

  it('clears the error of an earlier attempt and counts a new task', async () => {
    const f = fakeDeps();
    await seedRun(f.store, {
      activities: [
        { id: 'build', type: 'buildAudience', status: 'needsAttention', error: 'boom', endedAt: STARTED_AT, tasks: 1 },
      ],
    });
    await gate(gateEvent({ id: 'build', type: 'buildAudience' }), f.deps);
    const a = f.store.activity(RUN_ID, 'build');
    expect(a).toMatchObject({ status: 'running', tasks: 2 });
    expect(a).not.toHaveProperty('error');
    expect(a).not.toHaveProperty('endedAt');
  });

  it('asks record to reset the error count when the run had errors in a row', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { consecutiveErrors: 2 });
    expect(await gate(gateEvent({ id: 'build', type: 'buildAudience' }), f.deps)).toMatchObject({ resetErrors: true });
  });

  it('prepares the CSV source of a Load file activity', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'load', type: 'loadFile' }]);
    const e = gateEvent({ id: 'load', type: 'loadFile', file: 'incoming/leads.csv', columns: [{ name: 'email' }] });
    const r = await gate(e, f.deps);
    expect(r).toMatchObject({ action: 'query', outputs: { main: { dimension: null }, rejects: { dimension: null } } });
    // The run's own copy and table (campaign, run and activity in their names), never the file's shared folder.
    expect(f.engine.csvs).toEqual([
      {
        location: 'incoming/leads.csv',
        copy: `work/camp/${RUN_ID}/load.source`,
        table: glueTableName('csv', `work/camp/${RUN_ID}/load`),
        delimiter: ',',
        header: true,
        columns: ['orca_raw_email'],
      },
    ]);
    expect(f.engine.csvs[0]!.table).toMatch(
      new RegExp(`^csv_work_camp_${RUN_ID.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_load_[0-9a-f]{8}$`),
    );
  });

  it('writes a saved audience to its own version and table', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'save', type: 'saveAudience' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', pop('build'))]);
    const e = gateEvent({ id: 'save', type: 'saveAudience', audience: 'vips' }, { inbound: [inbound('t1', 'build')] });
    const r = await gate(e, f.deps);
    expect(r).toMatchObject({
      action: 'query',
      saves: { audience: 'vips' },
      target: { location: `audiences/vips/${RUN_ID}-save`, table: glueTableName('a', 'vips', RUN_ID, 'save') },
    });
    // It reads the inbound population where the transition says it is.
    expect(r).toMatchObject({
      select: expect.stringContaining(`/fake-data/work/camp/${RUN_ID}/build/orca_output=main`),
    });
  });

  it('does not save an audience in test mode: it forwards its input at once', async () => {
    const f = fakeDeps();
    const run = runContext({ testMode: true });
    await withRun(f, [{ id: 'save', type: 'saveAudience' }], {}, run);
    const input = pop('build');
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', input)]);
    const e = gateEvent(
      { id: 'save', type: 'saveAudience', audience: 'vips' },
      { run, inbound: [inbound('t1', 'build')], outbound: [outbound('t2', 'end')] },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(f.store.transition(RUN_ID, 't2')).toMatchObject({ active: true, population: input });
    expect(f.engine.prepared).toEqual([]);
    expect(f.store.audiences.size).toBe(0);
  });

  it('Read audience fails clearly when the audience was never saved', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'read', type: 'readAudience' }]);
    await expect(gate(gateEvent({ id: 'read', type: 'readAudience', audience: 'vips' }), f.deps)).rejects.toMatchObject(
      {
        name: 'Orca.ActivityError',
        message: "audience: audience 'vips' does not exist yet; run the campaign that saves it first",
      },
    );
    expect(f.engine.prepared).toEqual([]);
  });

  it('Read audience reads the version the store points at (its load hook)', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'read', type: 'readAudience' }]);
    const saved = pop('save', 'main', 5);
    await f.store.putAudience({
      name: 'vips',
      campaignId: 'other',
      runId: 'EARLIER',
      savedAt: STARTED_AT,
      population: { ...saved, location: 'audiences/vips/EARLIER-save', dimension: 'recipients' },
    });
    const r = await gate(gateEvent({ id: 'read', type: 'readAudience', audience: 'vips' }), f.deps);
    expect(r).toMatchObject({
      action: 'query',
      select: expect.stringContaining('/fake-data/audiences/vips/EARLIER-save/orca_output=main'),
    });
  });

  it('an incremental query excludes the keys of earlier runs it loaded, not its own', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'inc', type: 'incrementalQuery' }]);
    const earlier = { ...pop('inc', 'main', 2), location: 'state/camp/inc/EARLIER' };
    await f.store.addHistory(
      'camp',
      'inc',
      { runId: 'EARLIER', at: '2026-11-21T12:00:00.000Z', population: earlier },
      '2026-11-21T12:00:00.000Z',
    );
    const mine = { ...pop('inc', 'main', 2), location: `state/camp/inc/${RUN_ID}` };
    await f.store.addHistory('camp', 'inc', { runId: RUN_ID, at: STARTED_AT, population: mine }, STARTED_AT);
    const r = asQuery(await gate(gateEvent({ id: 'inc', type: 'incrementalQuery' }), f.deps));
    expect(r.select).toContain('/fake-data/state/camp/inc/EARLIER/orca_output=main');
    expect(r.select).not.toContain(`state/camp/inc/${RUN_ID}/`);
    expect(r.saves).toEqual({ history: true });
    expect(r.target).toEqual({
      location: `state/camp/inc/${RUN_ID}`,
      table: glueTableName('h', 'camp', 'inc', RUN_ID),
    });
  });

  it('leaves an inbound transition that did not run out of a Combine', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'union', type: 'combine' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'a', pop('a')), ran('t2', 'b', null)]);
    const e = gateEvent(
      { id: 'union', type: 'combine', operation: 'union' },
      { inbound: [inbound('t1', 'a'), inbound('t2', 'b')] },
    );
    const r = asQuery(await gate(e, f.deps));
    expect(r.select).toContain(`work/camp/${RUN_ID}/a/`);
    expect(r.select).not.toContain(`work/camp/${RUN_ID}/b/`);
    // Not even as an empty population.
    expect(r.select.match(/read_parquet/g)).toHaveLength(1);
    expect(r.select).not.toContain('WHERE FALSE');
  });

  it('plans an inbound transition that did not run, and is not required, as an empty population', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'enrich', type: 'enrichment' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'a', pop('a')), ran('t2', 'load', null)]);
    const file = schema(null, [
      { name: 'mail', type: 'string' },
      { name: 'points', type: 'integer' },
    ]);
    const e = gateEvent(
      {
        id: 'enrich',
        type: 'enrichment',
        joins: [{ transition: 't2', on: [{ left: 'email', right: 'mail' }], columns: ['points'] }],
      },
      { inbound: [inbound('t1', 'a'), inbound('t2', 'load', file)] },
    );
    const r = asQuery(await gate(e, f.deps));
    expect(r.select).toContain('CAST(NULL AS BIGINT) AS "points"');
    expect(r.select).toContain('WHERE FALSE');
    expect(r.outputs.main?.columns.map((c) => c.name)).toEqual(['id', 'points']);
  });

  it('fails with the plan errors, naming the setting', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }]);
    await expect(
      gate(gateEvent({ id: 'build', type: 'buildAudience', dimension: 'nope' }), f.deps),
    ).rejects.toMatchObject({
      name: 'Orca.ActivityError',
      message: expect.stringMatching(/^dimension: unknown table 'nope'/),
    });
  });

  it('hands a channel activity to the send chain: the prepare query, chunked, and its outputs', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'mail', type: 'email' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', pop('build'))]);
    const e = gateEvent(
      { id: 'mail', type: 'email', from: 'news@x.com', subject: 'Hi', text: 'Hello' },
      { inbound: [inbound('t1', 'build')] },
    );
    const r = await gate(e, f.deps);
    expect(r).toMatchObject({ action: 'send', channel: 'email', chunks: 1 });
    const send = r as { select: string; outputs: Record<string, unknown> };
    expect(send.select).toContain('orca_message_id');
    expect(Object.keys(send.outputs).sort()).toEqual(['excluded']);
  });
});

describe('gate: wait activities', () => {
  it('asks the state machine to wait, forwarding its input', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'pause', type: 'wait' }]);
    const input = pop('build');
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', input)]);
    const e = gateEvent(
      { id: 'pause', type: 'wait', duration: { value: 2, unit: 'hours' } },
      { inbound: [inbound('t1', 'build')], outbound: [outbound('t2', 'end')] },
    );
    expect(await gate(e, f.deps)).toEqual({
      action: 'wait',
      seconds: 7200,
      forward: { main: { active: true, population: input } },
      activity: e.activity,
      outbound: e.outbound,
      startedAt: f.clock.iso(),
      resetErrors: false,
    });
    expect(f.store.activity(RUN_ID, 'pause').status).toBe('running');
  });

  it('a first Wait, with no inbound, carries control flow only; until is kept as a date-time', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'pause', type: 'wait' }]);
    const e = gateEvent({ id: 'pause', type: 'wait', until: '2026-12-24T09:00:00+01:00' });
    expect(await gate(e, f.deps)).toMatchObject({
      action: 'wait',
      until: '2026-12-24T08:00:00Z',
      forward: { main: { active: true, population: null } },
    });
  });
});

describe('gate: activities done at once', () => {
  const branches = [
    { id: 'big', when: { population: 'greater', value: 10 } },
    { id: 'some', when: { population: 'greater', value: 0 } },
    { id: 'any', when: { population: 'greaterOrEqual', value: 0 } },
  ];

  it('a Test takes the first branch that holds; the forwarded population keeps its source partition', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'test', type: 'test' }]);
    const input = pop('split', 'vip', 4);
    await f.store.putTransitions(RUN_ID, [{ ...ran('t1', 'split', input), output: 'vip' }]);
    const e = gateEvent(
      { id: 'test', type: 'test', branches },
      {
        inbound: [inbound('t1', 'split', schema(), 'vip')],
        outbound: [
          outbound('t2', 'a', 'big'),
          outbound('t3', 'b', 'some'),
          outbound('t4', 'c', 'any'),
          outbound('t5', 'd', 'default'),
        ],
      },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    const at = f.clock.iso();
    expect(f.store.transition(RUN_ID, 't3')).toEqual({
      transitionId: 't3',
      from: 'test',
      output: 'some',
      to: 'b',
      active: true,
      population: input,
      at,
    });
    expect(f.store.transition(RUN_ID, 't3')?.population?.output).toBe('vip');
    for (const t of ['t2', 't4', 't5'])
      expect(f.store.transition(RUN_ID, t)).toMatchObject({ active: false, population: null });
    expect(f.store.activity(RUN_ID, 'test')).toMatchObject({ status: 'done', endedAt: at });
    expect(await f.store.listTasks(RUN_ID)).toEqual([
      { activityId: 'test', startedAt: at, endedAt: at, status: 'done' },
    ]);
    expect(await f.store.listLogs(RUN_ID)).toMatchObject([
      { level: 'info', activity: 'test', message: "took branch 'some'", durationMs: 0 },
    ]);
    // Nothing of a flow-control activity goes through the engine.
    expect(f.engine.registered).toEqual([]);
  });

  it('a Test with no default stops the path when no branch holds', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'test', type: 'test' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', pop('build', 'main', 0))]);
    const e = gateEvent(
      { id: 'test', type: 'test', default: false, branches: [branches[1]] },
      { inbound: [inbound('t1', 'build')], outbound: [outbound('t2', 'a', 'some')] },
    );
    await gate(e, f.deps);
    expect(f.store.transition(RUN_ID, 't2')).toMatchObject({ active: false });
    expect(await messages(f)).toEqual(['no branch matched: the path stops here']);
    expect(f.store.activity(RUN_ID, 'test').status).toBe('done');
  });

  it("a Test on a variable reads the run's value", async () => {
    const f = fakeDeps();
    const run = runContext({
      campaign: campaign({ variables: { tier: { type: 'string' } } }),
      variables: { tier: 'gold' },
    });
    await withRun(f, [{ id: 'test', type: 'test' }], {}, run);
    const e = gateEvent(
      {
        id: 'test',
        type: 'test',
        branches: [{ id: 'gold', when: { variable: 'tier', operator: 'equal', value: 'gold' } }],
      },
      { run, outbound: [outbound('t1', 'a', 'gold'), outbound('t2', 'b', 'default')] },
    );
    await gate(e, f.deps);
    expect(f.store.transition(RUN_ID, 't1')).toMatchObject({ active: true, population: null });
    expect(f.store.transition(RUN_ID, 't2')).toMatchObject({ active: false });
  });

  it.each([
    ['info', 'info'],
    ['warning', 'warn'],
    ['error', 'error'],
  ] as const)('an Alert of severity %s notifies and logs at level %s', async (severity, level) => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'alert', type: 'alert' }]);
    const input = pop('build');
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', input)]);
    const e = gateEvent(
      { id: 'alert', type: 'alert', title: 'Low stock', message: 'only 3 left', severity },
      { inbound: [inbound('t1', 'build')], outbound: [outbound('t2', 'end')] },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(f.notifier.alerts).toEqual([
      { campaignId: 'camp', runId: RUN_ID, activityId: 'alert', title: 'Low stock', message: 'only 3 left', severity },
    ]);
    expect(await f.store.listLogs(RUN_ID)).toMatchObject([
      { level, activity: 'alert', message: 'alert: Low stock: only 3 left' },
      { level: 'info', activity: 'alert', message: 'alert sent' },
    ]);
    expect(f.store.transition(RUN_ID, 't2')).toMatchObject({ active: true, population: input });
  });

  const end = { id: 'end', type: 'end', signal: { campaign: 'follow-up', variables: { wave: 2 } } };

  it('an End sends its signal through the service, from this run', async () => {
    const f = fakeDeps({ signal: true });
    await withRun(f, [{ id: 'end', type: 'end' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', pop('build'))]);
    await gate(gateEvent(end, { inbound: [inbound('t1', 'build')] }), f.deps);
    expect(f.signals).toEqual([
      { campaignId: 'follow-up', variables: { wave: 2 }, from: { campaignId: 'camp', runId: RUN_ID } },
    ]);
    expect(await messages(f)).toEqual(["signal sent: started campaign 'follow-up' (run SIGNALLED-1)"]);
    expect(f.store.activity(RUN_ID, 'end').status).toBe('done');
  });

  it('an End sends no signal in test mode', async () => {
    const f = fakeDeps({ signal: true });
    const run = runContext({ testMode: true });
    await withRun(f, [{ id: 'end', type: 'end' }], {}, run);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', pop('build'))]);
    await gate(gateEvent(end, { run, inbound: [inbound('t1', 'build')] }), f.deps);
    expect(f.signals).toEqual([]);
    expect(await messages(f)).toEqual(["test mode: signal to 'follow-up' not sent"]);
  });

  it('an End sends no signal where no service starts campaigns, and says why', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'end', type: 'end' }]);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'build', pop('build'))]);
    await gate(gateEvent(end, { inbound: [inbound('t1', 'build')] }), f.deps);
    expect(await messages(f)).toEqual([
      "signal to 'follow-up' not sent: signals need the orca service (orca serve) or the cloud deployment",
    ]);
  });

  it('an And-join carries its primary input on, even when another did not run', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'join', type: 'andJoin' }]);
    const primary = pop('b', 'main', 7);
    await f.store.putTransitions(RUN_ID, [ran('t1', 'a', null), ran('t2', 'b', primary)]);
    const e = gateEvent(
      { id: 'join', type: 'andJoin', primary: 't2' },
      { inbound: [inbound('t1', 'a'), inbound('t2', 'b')], outbound: [outbound('t3', 'end')] },
    );
    expect(await gate(e, f.deps)).toEqual({ action: 'done' });
    expect(f.store.transition(RUN_ID, 't3')).toMatchObject({ active: true, population: primary });
  });

  it('resets the consecutive error count when it succeeds after errors', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'fork', type: 'fork' }], { consecutiveErrors: 2 });
    await gate(gateEvent({ id: 'fork', type: 'fork' }, { outbound: [outbound('t1', 'a')] }), f.deps);
    expect(f.store.run(RUN_ID).consecutiveErrors).toBe(0);
    expect(f.store.transition(RUN_ID, 't1')).toMatchObject({ active: true, population: null });
  });
});

describe('suspended', () => {
  const event = (resumed?: boolean): SuspendedEvent => ({
    step: 'suspended',
    token: 'token-s',
    run: runContext(),
    activity: { id: 'build', type: 'buildAudience' },
    ...(resumed ? { resumed } : {}),
  });

  it('parks a suspended activity, which needs attention, until the run is resumed', async () => {
    const f = fakeDeps({ park: 'parked' });
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], {
      status: 'paused',
      pausedReason: 'build failed: boom',
    });
    expect(await suspended(event(), f.deps)).toBe(PARKED);
    expect(f.store.activity(RUN_ID, 'build').status).toBe('needsAttention');
    expect(f.control.parkings).toEqual([
      { runId: RUN_ID, activityId: 'build', kind: 'suspended', token: 'token-s', event: event(true) },
    ]);
  });

  it('goes on once resumed, and logs that the activity runs again', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }]);
    expect(await suspended(event(true), f.deps)).toEqual({ resumed: true });
    expect(await f.store.listLogs(RUN_ID)).toMatchObject([
      { level: 'info', activity: 'build', message: 'resumed: running the activity again' },
    ]);
    expect(f.control.parkings).toEqual([]);
  });

  it('throws RunStopped when the suspended run was stopped', async () => {
    const f = fakeDeps();
    await withRun(f, [{ id: 'build', type: 'buildAudience' }], { status: 'stopped' });
    await expect(suspended(event(true), f.deps)).rejects.toMatchObject({ name: 'Orca.RunStopped' });
  });
});
