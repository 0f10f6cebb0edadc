import { describe, expect, it } from 'vitest';
import { type Fakes, fakeDeps } from '../../test/helpers/fakes/index.js';
import {
  campaign,
  failEvent,
  outbound,
  RUN_ID,
  runContext,
  seedRun,
  STARTED_AT,
} from '../../test/helpers/fakes/events.js';
import type { RunContext } from './types.js';
import { failActivity, MAX_RETRIES } from './fail.js';

const A = { id: 'a', type: 'buildAudience' };
const OUT = [outbound('t1', 'next'), outbound('t2', 'other', 'complement')];

const policy = (onError: 'abort' | 'suspend' | 'ignore', maxConsecutiveErrors = 1): RunContext =>
  runContext({ campaign: campaign({ errorPolicy: { onError, maxConsecutiveErrors } }) });

async function withRun(f: Fakes, run: RunContext, record: { status?: 'running' | 'paused' | 'stopping' } = {}) {
  await seedRun(f.store, {
    run,
    record,
    activities: [{ ...A, status: 'running', startedAt: STARTED_AT, tasks: 1 }],
  });
}

const athena = (reason: string, retryable?: boolean) => ({
  Error: 'Athena.QueryFailed',
  Cause: JSON.stringify({
    QueryExecution: {
      Status: {
        StateChangeReason: reason,
        ...(retryable === undefined ? {} : { AthenaError: { Retryable: retryable } }),
      },
    },
  }),
});

const logs = async (f: Fakes) => (await f.store.listLogs(RUN_ID)).map(({ level, message }) => ({ level, message }));

describe('failActivity: retries', () => {
  it('retries a transient error with growing delays, then applies the error policy', async () => {
    const f = fakeDeps();
    const run = policy('abort');
    await withRun(f, run);
    const e = failEvent(A, { Error: 'Orca.Transient', Cause: 'Rate exceeded' }, { run, outbound: OUT });
    const decisions = [];
    for (let i = 0; i <= MAX_RETRIES; i++) decisions.push(await failActivity(e, f.deps));
    expect(MAX_RETRIES).toBe(3);
    expect(decisions).toEqual([
      { decision: 'retry', delay: 5 },
      { decision: 'retry', delay: 10 },
      { decision: 'retry', delay: 20 },
      { decision: 'continue', delay: 0 },
    ]);
    expect((await logs(f)).slice(0, 3)).toEqual([
      { level: 'warn', message: 'Rate exceeded (transient: trying again in 5 s, attempt 2 of 4)' },
      { level: 'warn', message: 'Rate exceeded (transient: trying again in 10 s, attempt 3 of 4)' },
      { level: 'warn', message: 'Rate exceeded (transient: trying again in 20 s, attempt 4 of 4)' },
    ]);
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ attempts: 4, status: 'failed', error: 'Rate exceeded' });
    expect(f.store.run(RUN_ID)).toMatchObject({ aborting: true, error: 'a failed: Rate exceeded' });
  });

  it('leaves the activity running while it retries', async () => {
    const f = fakeDeps();
    await withRun(f, policy('abort'));
    await failActivity(failEvent(A, { Error: 'Lambda.ServiceException', Cause: 'oops' }), f.deps);
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ status: 'running', attempts: 1 });
    expect(await f.store.listTasks(RUN_ID)).toEqual([]);
    expect(await f.store.listTransitions(RUN_ID)).toEqual([]);
  });

  it.each([
    ['a Lambda service error', { Error: 'Lambda.TooManyRequestsException', Cause: 'slow down' }],
    ['a Step Functions timeout', { Error: 'States.Timeout' }],
    ['a throttled service', { Error: 'Error', Cause: 'ThrottlingException: Rate exceeded' }],
    ['an Athena error Athena says is retryable', athena('something odd', true)],
    [
      'a Lambda error whose message is a hiccup',
      { Error: 'Error', Cause: JSON.stringify({ errorMessage: 'socket hang up' }) },
    ],
  ])('retries %s', async (_what, error) => {
    const f = fakeDeps();
    await withRun(f, policy('abort'));
    expect(await failActivity(failEvent(A, error), f.deps)).toEqual({ decision: 'retry', delay: 5 });
  });

  it.each([
    ['an activity error, whatever its message', { Error: 'Orca.ActivityError', Cause: 'the query timed out' }],
    ['an Athena error Athena says is not retryable', athena('Rate exceeded', false)],
    ['a plain error', { Error: 'Error', Cause: "COLUMN_NOT_FOUND: 'emial'" }],
  ])('does not retry %s', async (_what, error) => {
    const f = fakeDeps();
    await withRun(f, policy('abort'));
    expect(await failActivity(failEvent(A, error), f.deps)).not.toMatchObject({ decision: 'retry' });
    expect(f.store.activity(RUN_ID, 'a').status).toBe('failed');
  });
});

describe('failActivity: error policy', () => {
  it('abort: records the failure, cuts the path and makes the run fail without stopping other branches', async () => {
    const f = fakeDeps();
    const run = policy('abort');
    await withRun(f, run);
    const r = await failActivity(
      failEvent(
        A,
        { Error: 'Orca.ActivityError', Cause: JSON.stringify({ errorMessage: 'bad column' }) },
        { run, outbound: OUT },
      ),
      f.deps,
    );
    const at = f.clock.iso();
    expect(r).toEqual({ decision: 'continue', delay: 0 });
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({
      status: 'failed',
      endedAt: at,
      error: 'bad column',
      attempts: 1,
    });
    expect(await f.store.listTasks(RUN_ID)).toEqual([
      { activityId: 'a', startedAt: STARTED_AT, endedAt: at, status: 'failed', error: 'bad column' },
    ]);
    expect(await f.store.listTransitions(RUN_ID)).toEqual([
      { transitionId: 't1', from: 'a', output: 'main', to: 'next', active: false, population: null, at },
      { transitionId: 't2', from: 'a', output: 'complement', to: 'other', active: false, population: null, at },
    ]);
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'running', aborting: true, error: 'a failed: bad column' });
    expect(await logs(f)).toEqual([
      { level: 'error', message: 'failed: bad column' },
      {
        level: 'error',
        message: 'the run is failing: a failed: bad column; activities already running finish, no new one starts',
      },
    ]);
  });

  it('suspend: pauses the run on the activity, which needs attention, and cuts nothing', async () => {
    const f = fakeDeps();
    const run = policy('suspend');
    await withRun(f, run);
    const r = await failActivity(
      failEvent(A, { Error: 'Orca.ActivityError', Cause: 'bad column' }, { run, outbound: OUT }),
      f.deps,
    );
    expect(r).toEqual({ decision: 'suspend', delay: 0 });
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ status: 'needsAttention', error: 'bad column' });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'paused', pausedReason: 'a failed: bad column' });
    expect(f.store.run(RUN_ID)).not.toHaveProperty('aborting');
    expect(await f.store.listTransitions(RUN_ID)).toEqual([]);
    expect((await f.store.listTasks(RUN_ID)).map((t) => t.status)).toEqual(['failed']);
    expect(await logs(f)).toEqual([
      { level: 'error', message: 'failed: bad column' },
      { level: 'warn', message: 'run suspended: fix the cause, then resume to run the activity again' },
    ]);
  });

  it('suspend does not take a run being stopped out of stopping', async () => {
    const f = fakeDeps();
    const run = policy('suspend');
    await withRun(f, run, { status: 'stopping' });
    await failActivity(failEvent(A, { Error: 'Orca.ActivityError', Cause: 'bad column' }, { run }), f.deps);
    expect(f.store.run(RUN_ID).status).toBe('stopping');
  });

  it('ignore: carries on without the outputs, up to maxConsecutiveErrors in a row, then aborts', async () => {
    const f = fakeDeps();
    const run = policy('ignore', 2);
    await withRun(f, run);
    const e = failEvent(A, { Error: 'Orca.ActivityError', Cause: 'bad column' }, { run, outbound: OUT });
    expect(await failActivity(e, f.deps)).toEqual({ decision: 'continue', delay: 0 });
    expect(await failActivity(e, f.deps)).toEqual({ decision: 'continue', delay: 0 });
    expect(f.store.run(RUN_ID)).toMatchObject({ consecutiveErrors: 2 });
    expect(f.store.run(RUN_ID)).not.toHaveProperty('aborting');
    expect(await f.store.listTransitions(RUN_ID)).toMatchObject([{ active: false }, { active: false }]);
    expect((await logs(f)).filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'error ignored (1 in a row, at most 2): the path after this activity does not run',
      },
      {
        level: 'warn',
        message: 'error ignored (2 in a row, at most 2): the path after this activity does not run',
      },
    ]);

    expect(await failActivity(e, f.deps)).toEqual({ decision: 'continue', delay: 0 });
    expect(f.store.run(RUN_ID)).toMatchObject({
      aborting: true,
      error: '3 errors in a row, more than the 2 the error policy ignores; last: a: bad column',
    });
  });

  it('ignore counts from zero again after a success reset the count', async () => {
    const f = fakeDeps();
    const run = policy('ignore', 1);
    await withRun(f, run);
    const e = failEvent(A, { Error: 'Orca.ActivityError', Cause: 'bad column' }, { run });
    await failActivity(e, f.deps);
    await f.store.countError(RUN_ID, 0);
    await failActivity(e, f.deps);
    expect(f.store.run(RUN_ID)).toMatchObject({ consecutiveErrors: 1 });
    expect(f.store.run(RUN_ID)).not.toHaveProperty('aborting');
  });

  it('an activity its gate refused to start because the run is stopping is not run', async () => {
    const f = fakeDeps();
    const run = policy('abort');
    await seedRun(f.store, { run, record: { status: 'stopping' }, activities: [{ ...A, status: 'pending' }] });
    const r = await failActivity(
      failEvent(A, { Error: 'Orca.RunStopped', Cause: 'the run was stopped' }, { run, outbound: OUT }),
      f.deps,
    );
    expect(r).toEqual({ decision: 'fail', delay: 0 });
    expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ status: 'notRun', endedAt: f.clock.iso() });
    expect((await f.store.listTasks(RUN_ID)).map((t) => t.status)).toEqual(['notRun']);
    expect(f.store.run(RUN_ID)).not.toHaveProperty('aborting');
  });

  it.each(['abort', 'suspend', 'ignore'] as const)(
    'with %s, an activity cut short by a stop is skipped, not failed, and the policy is not applied',
    async (onError) => {
      const f = fakeDeps();
      const run = policy(onError);
      await withRun(f, run, { status: 'stopping' });
      const r = await failActivity(
        failEvent(A, { Error: 'Orca.RunStopped', Cause: 'the run was stopped' }, { run, outbound: OUT }),
        f.deps,
      );
      const at = f.clock.iso();
      expect(r).toEqual({ decision: 'fail', delay: 0 });
      expect(f.store.activity(RUN_ID, 'a')).toMatchObject({ status: 'skipped', error: 'stopped', endedAt: at });
      expect(await f.store.listTasks(RUN_ID)).toEqual([
        { activityId: 'a', startedAt: STARTED_AT, endedAt: at, status: 'skipped', error: 'the run was stopped' },
      ]);
      expect(f.store.run(RUN_ID)).toMatchObject({ status: 'stopping' });
      expect(f.store.run(RUN_ID)).not.toHaveProperty('aborting');
      expect(f.store.run(RUN_ID)).not.toHaveProperty('consecutiveErrors');
      expect(await f.store.listTransitions(RUN_ID)).toEqual([]);
      expect(await logs(f)).toEqual([]);
    },
  );
});
