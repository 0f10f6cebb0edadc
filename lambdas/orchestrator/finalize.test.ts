import { describe, expect, it } from 'vitest';
import { type Fakes, fakeDeps } from '../../test/helpers/fakes/index.js';
import { finalizeEvent, RUN_ID, seedRun } from '../../test/helpers/fakes/events.js';
import type { RunRecord } from '../ports/store.js';
import { finalizeFailedStart, finalizeRun } from './finalize.js';
import { recordInterrupted } from './stopped.js';
import type { StartFailedEvent } from './types.js';

async function withRun(f: Fakes, record: Partial<RunRecord> = {}): Promise<void> {
  await seedRun(f.store, { record });
}

const logs = async (f: Fakes) => (await f.store.listLogs(RUN_ID)).map(({ level, message }) => ({ level, message }));

describe('finalizeRun', () => {
  it('completes a run, with its duration', async () => {
    const f = fakeDeps();
    await withRun(f);
    expect(await finalizeRun(finalizeEvent('completed'), f.deps)).toEqual({ status: 'completed' });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'completed', endedAt: f.clock.iso() });
    expect(f.store.run(RUN_ID)).not.toHaveProperty('error');
    expect(await logs(f)).toEqual([{ level: 'info', message: 'run completed in 5.0 s' }]);
  });

  it('completes a run that is paused when its last branch ends', async () => {
    const f = fakeDeps();
    await withRun(f, { status: 'paused' });
    await finalizeRun(finalizeEvent('completed'), f.deps);
    expect(f.store.run(RUN_ID).status).toBe('completed');
  });

  it('fails a run the error policy aborted, though its branches all ended', async () => {
    const f = fakeDeps();
    await withRun(f, { aborting: true, error: 'a failed: bad column' });
    f.clock.advance(60_000);
    expect(await finalizeRun(finalizeEvent('completed'), f.deps)).toEqual({ status: 'failed' });
    expect(f.store.run(RUN_ID)).toMatchObject({
      status: 'failed',
      endedAt: f.clock.iso(),
      error: 'a failed: bad column',
    });
    expect(await logs(f)).toEqual([{ level: 'error', message: 'run failed after 65.0 s: a failed: bad column' }]);
  });

  it('fails a run with the error the state machine caught', async () => {
    const f = fakeDeps();
    await withRun(f);
    const error = { Error: 'Orca.ActivityError', Cause: JSON.stringify({ errorMessage: "unknown variable 'x'" }) };
    expect(await finalizeRun(finalizeEvent('failed', { error }), f.deps)).toEqual({ status: 'failed' });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'failed', error: "unknown variable 'x'" });
    expect(await logs(f)).toEqual([{ level: 'error', message: "run failed after 5.0 s: unknown variable 'x'" }]);
  });

  it("prefers the run's own error (the policy's reason) to the state machine's", async () => {
    const f = fakeDeps();
    await withRun(f, { aborting: true, error: 'a failed: bad column' });
    const error = { Error: 'Orca.ActivityFailed', Cause: 'an activity failed and the error policy stops the run' };
    await finalizeRun(finalizeEvent('failed', { error }), f.deps);
    expect(f.store.run(RUN_ID).error).toBe('a failed: bad column');
  });

  it('records a stopped run as stopped, not failed', async () => {
    const f = fakeDeps();
    await withRun(f, { status: 'stopping' });
    const error = { Error: 'Orca.RunStopped', Cause: 'the run was stopped' };
    expect(await finalizeRun(finalizeEvent('failed', { error }), f.deps)).toEqual({ status: 'stopped' });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'stopped', endedAt: f.clock.iso() });
    expect(f.store.run(RUN_ID)).not.toHaveProperty('error');
    expect(await logs(f)).toEqual([{ level: 'warn', message: 'run stopped' }]);
  });

  it('records a run being stopped as stopped, whatever error ended it', async () => {
    const f = fakeDeps();
    await withRun(f, { status: 'stopping' });
    const error = { Error: 'States.Runtime', Cause: 'cancelled' };
    expect(await finalizeRun(finalizeEvent('failed', { error }), f.deps)).toEqual({ status: 'stopped' });
    expect(f.store.run(RUN_ID).status).toBe('stopped');
  });

  it('does not turn a run that ended into another final status', async () => {
    const f = fakeDeps();
    await withRun(f, { status: 'completed', endedAt: '2026-11-22T12:00:01.000Z' });
    await finalizeRun(finalizeEvent('failed', { error: { Error: 'States.Runtime', Cause: 'late' } }), f.deps);
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'completed', endedAt: '2026-11-22T12:00:01.000Z' });
    expect(f.store.run(RUN_ID)).not.toHaveProperty('error');
  });

  it('a stopped run stays stopped when its execution completes anyway', async () => {
    const f = fakeDeps();
    await withRun(f, { status: 'stopped', endedAt: '2026-11-22T12:00:01.000Z' });
    await finalizeRun(finalizeEvent('completed'), f.deps);
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'stopped', endedAt: '2026-11-22T12:00:01.000Z' });
  });
});

describe('finalizeFailedStart', () => {
  const failed = (over: Partial<StartFailedEvent> = {}): StartFailedEvent => ({
    step: 'startFailed',
    input: { run: { runId: RUN_ID, testMode: true, version: 3 }, trigger: 'api' },
    execution: 'exec-1',
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:camp:exec-1',
    startTime: '2024-05-01T09:59:55.000Z',
    campaign: { id: 'camp', label: 'A campaign' },
    error: { Error: 'Orca.ActivityError', Cause: JSON.stringify({ errorMessage: "unknown variable 'x'" }) },
    ...over,
  });

  it('fails the run the start created (or the API), with the start error', async () => {
    const f = fakeDeps();
    await withRun(f);
    expect(await finalizeFailedStart(failed(), f.deps)).toEqual({ status: 'failed' });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'failed', error: "unknown variable 'x'" });
  });

  it('creates the run, failed, when the start could not: named after the execution without a run id', async () => {
    const f = fakeDeps();
    expect(await finalizeFailedStart(failed({ input: {} }), f.deps)).toEqual({ status: 'failed' });
    expect(f.store.run('exec-1')).toEqual({
      runId: 'exec-1',
      campaignId: 'camp',
      campaignLabel: 'A campaign',
      status: 'failed',
      startedAt: '2024-05-01T09:59:55.000Z',
      endedAt: f.clock.iso(),
      testMode: false,
      variables: {},
      trigger: 'manual',
      execution: 'arn:aws:states:eu-west-1:123456789012:execution:camp:exec-1',
      error: "unknown variable 'x'",
    });
  });

  it('keeps what the input says of the run it could not create', async () => {
    const f = fakeDeps();
    await finalizeFailedStart(failed(), f.deps);
    expect(f.store.run(RUN_ID)).toMatchObject({ version: 3, testMode: true, trigger: 'api', status: 'failed' });
  });

  it('a run stopped meanwhile ends stopped', async () => {
    const f = fakeDeps();
    await withRun(f, { status: 'stopping' });
    expect(await finalizeFailedStart(failed(), f.deps)).toEqual({ status: 'stopped' });
  });
});

describe('runs that end without their last step', () => {
  const activities = [
    { id: 'a', type: 'buildAudience', status: 'done' as const },
    { id: 'w', type: 'wait', status: 'running' as const },
    { id: 'b', type: 'deduplication', status: 'pending' as const },
  ];
  const statuses = async (f: Fakes) =>
    Object.fromEntries((await f.store.listActivities(RUN_ID)).map((a) => [a.activityId, a.status]));

  it('a run stopped while stopping failed (its gate ends it): activities that never started are not left pending', async () => {
    const f = fakeDeps();
    await seedRun(f.store, { record: { status: 'stopping' }, activities });
    const error = { Error: 'Orca.RunStopped', Cause: 'the run was stopped' };
    expect(await finalizeRun(finalizeEvent('failed', { error }), f.deps)).toEqual({ status: 'stopped' });
    expect(await statuses(f)).toEqual({ a: 'done', w: 'failed', b: 'notRun' });
  });

  it('a failed run: activities that never started are not run (not pending, not skipped)', async () => {
    const f = fakeDeps();
    await seedRun(f.store, { activities: [activities[0]!, { ...activities[1]!, status: 'failed' }, activities[2]!] });
    const error = { Error: 'Orca.ActivityError', Cause: 'w failed: boom' };
    expect(await finalizeRun(finalizeEvent('failed', { error }), f.deps)).toEqual({ status: 'failed' });
    expect(await statuses(f)).toEqual({ a: 'done', w: 'failed', b: 'notRun' });
    expect((await f.store.listActivities(RUN_ID)).find((a) => a.activityId === 'b')).toMatchObject({
      endedAt: f.clock.iso(),
    });
  });

  it('after a crash: runs in progress and their running activities are interrupted, the rest not run, places given back', async () => {
    const f = fakeDeps();
    await seedRun(f.store, { activities });
    await f.store.claimRun('camp', RUN_ID, true);
    await f.store.createRun({
      runId: 'done-before',
      campaignId: 'camp',
      status: 'completed',
      startedAt: '2026-11-22T11:00:00.000Z',
      testMode: false,
      variables: {},
    });
    expect(await recordInterrupted(f.store, f.clock.iso())).toEqual([RUN_ID]);
    expect(f.store.run(RUN_ID)).toMatchObject({
      status: 'interrupted',
      endedAt: f.clock.iso(),
      error: 'interrupted: the process running it ended first (killed, crashed, or the machine stopped)',
    });
    expect(await statuses(f)).toEqual({ a: 'done', w: 'interrupted', b: 'notRun' });
    expect(f.store.run('done-before').status).toBe('completed');
    expect(await f.store.campaignRuns('camp')).toEqual({ running: [] });
    expect(await recordInterrupted(f.store, f.clock.iso())).toEqual([]);
  });
});
