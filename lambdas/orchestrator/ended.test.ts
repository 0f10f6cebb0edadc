/**
 * The step that ends a run whose execution ended without finalizing it. The events are written
 * from the examples of "AWS Step Functions Developer Guide — EventBridge (CloudWatch Events) for
 * Step Functions execution status changes" (detail: executionArn, stateMachineArn, name, status,
 * startDate and stopDate in epoch milliseconds, input as a JSON string with inputDetails, and error
 * and cause for a failed execution).
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type Fakes, fakeDeps } from '../../test/helpers/fakes/index.js';
import { RUN_ID, seedRun } from '../../test/helpers/fakes/events.js';
import { makeControlHandler } from '../handlers/handlers.js';
import type { RunRecord } from '../ports/store.js';
import { executionEnded, NotAnExecutionEvent } from './ended.js';
import { claimRun, RunRefused } from './start.js';

const ACCOUNT = '123456789012';
const MACHINE = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:orca-camp`;
const EXECUTION = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:orca-camp:${RUN_ID}`;
/** 2026-11-22T12:10:00.000Z, when the execution ended. */
const STOP_DATE = Date.UTC(2026, 10, 22, 12, 10, 0);

/** The event of the guide's examples, for the run's execution. */
function statusChange(status: string, detail: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change' as const,
    source: 'aws.states' as const,
    account: ACCOUNT,
    time: '2026-11-22T12:10:00Z',
    region: 'eu-west-1',
    resources: [EXECUTION],
    detail: {
      executionArn: EXECUTION,
      stateMachineArn: MACHINE,
      name: RUN_ID,
      status,
      startDate: Date.UTC(2026, 10, 22, 12, 0, 0),
      stopDate: STOP_DATE,
      input: JSON.stringify({ run: { runId: RUN_ID, variables: {} }, trigger: 'manual' }),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      ...detail,
    },
  };
}

/** A run of a campaign that keeps state, in progress: one activity done, one running, one not started. */
async function runInProgress(f: Fakes, record: Partial<RunRecord> = {}): Promise<void> {
  await seedRun(f.store, {
    record: { execution: EXECUTION, ...record },
    activities: [
      { id: 'a', type: 'buildAudience', status: 'done' },
      { id: 'w', type: 'incrementalQuery', status: 'running' },
      { id: 'b', type: 'saveAudience' },
    ],
  });
  await f.store.claimRun('camp', RUN_ID, true);
}

const statuses = async (f: Fakes) =>
  Object.fromEntries((await f.store.listActivities(RUN_ID)).map((a) => [a.activityId, a.status]));
const logs = async (f: Fakes) => (await f.store.listLogs(RUN_ID)).map(({ level, message }) => ({ level, message }));
const ENDED = new Date(STOP_DATE).toISOString();

describe('AWS Step Functions Developer Guide — EventBridge (CloudWatch Events) for Step Functions execution status changes', () => {
  it('ABORTED (StopExecution in the console): the run is stopped, its activities as a stop leaves them, its place given back', async () => {
    const f = fakeDeps();
    await runInProgress(f);
    // While the dead run holds its place, the campaign cannot start again.
    await expect(claimRun(f.store, 'camp', 'RUN-2', true)).rejects.toBeInstanceOf(RunRefused);

    expect(await executionEnded(statusChange('ABORTED'), f.deps)).toEqual({ outcome: 'stopped', runId: RUN_ID });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'stopped', endedAt: ENDED });
    expect(await statuses(f)).toEqual({ a: 'done', w: 'failed', b: 'notRun' });
    expect(await f.store.campaignRuns('camp')).toEqual({ running: [] });
    const log = await logs(f);
    expect(log).toHaveLength(1);
    expect(log[0]!.level).toBe('warn');
    expect(log[0]!.message).toMatch(
      /^run stopped: .*execution RUN-1 was stopped outside orca.*start the campaign again/,
    );
    await expect(claimRun(f.store, 'camp', 'RUN-2', true)).resolves.toBeUndefined();
  });

  it('ABORTED by `orca stop` (the run is stopping): recorded as stopped, without blaming anyone outside orca', async () => {
    const f = fakeDeps();
    await runInProgress(f, { status: 'stopping' });
    expect(await executionEnded(statusChange('ABORTED'), f.deps)).toEqual({ outcome: 'stopped', runId: RUN_ID });
    expect(f.store.run(RUN_ID).status).toBe('stopped');
    expect(await f.store.campaignRuns('camp')).toEqual({ running: [] });
    expect(await logs(f)).toEqual([
      { level: 'warn', message: 'run stopped: its Step Functions execution RUN-1 was stopped' },
    ]);
  });

  it('TIMED_OUT: the run and its running activities are interrupted, those not started not run, its place given back', async () => {
    const f = fakeDeps();
    await runInProgress(f, { status: 'paused', pausedReason: 'breakpoint' });
    expect(await executionEnded(statusChange('TIMED_OUT'), f.deps)).toEqual({
      outcome: 'interrupted',
      runId: RUN_ID,
    });
    expect(f.store.run(RUN_ID)).toMatchObject({ status: 'interrupted', endedAt: ENDED });
    expect(f.store.run(RUN_ID).error).toMatch(/timed out/);
    expect(await statuses(f)).toEqual({ a: 'done', w: 'interrupted', b: 'notRun' });
    expect(await f.store.campaignRuns('camp')).toEqual({ running: [] });
    const log = await logs(f);
    expect(log).toHaveLength(1);
    expect(log[0]!.level).toBe('error');
    expect(log[0]!.message).toContain('timed out before the run ended');
    expect(log[0]!.message).toContain(EXECUTION);
    expect(log[0]!.message).toContain('start the campaign again');
  });

  it("FAILED outside the Catch of `Run campaign`: the run is interrupted, the execution's error in its log on one line", async () => {
    const f = fakeDeps();
    await runInProgress(f);
    const event = statusChange('FAILED', {
      error: 'States.Runtime',
      cause: 'An error occurred while\nexecuting the state',
    });
    expect(await executionEnded(event, f.deps)).toEqual({ outcome: 'interrupted', runId: RUN_ID });
    expect(f.store.run(RUN_ID).status).toBe('interrupted');
    expect(await statuses(f)).toEqual({ a: 'done', w: 'interrupted', b: 'notRun' });
    expect(await f.store.campaignRuns('camp')).toEqual({ running: [] });
    const [line] = await logs(f);
    expect(line!.message).toContain('failed with States.Runtime: An error occurred while executing the state');
    expect(line!.message).not.toContain('\n');
  });

  it.each(['ABORTED', 'TIMED_OUT', 'FAILED'])(
    '%s of a run that already ended (its finalize ran): the run, its activities, its log and the register are left as they are',
    async (status) => {
      const f = fakeDeps();
      await seedRun(f.store, {
        record: { execution: EXECUTION, status: 'failed', endedAt: '2026-11-22T12:05:00.000Z', error: 'a failed' },
        activities: [
          { id: 'a', type: 'buildAudience', status: 'failed' },
          { id: 'b', type: 'saveAudience' },
        ],
      });
      // Another run of the campaign holds the place now: it must keep it.
      await f.store.claimRun('camp', 'RUN-2', true);
      const before = { ...f.store.run(RUN_ID) };
      expect(await executionEnded(statusChange(status), f.deps)).toEqual({ outcome: 'alreadyEnded', runId: RUN_ID });
      expect(f.store.run(RUN_ID)).toEqual(before);
      expect(await statuses(f)).toEqual({ a: 'failed', b: 'pending' });
      expect(await logs(f)).toEqual([]);
      expect(await f.store.campaignRuns('camp')).toEqual({ running: ['RUN-2'], exclusive: 'RUN-2' });
    },
  );

  it('the same event delivered twice ends the run once', async () => {
    const f = fakeDeps();
    await runInProgress(f);
    await executionEnded(statusChange('TIMED_OUT'), f.deps);
    expect(await executionEnded(statusChange('TIMED_OUT'), f.deps)).toEqual({ outcome: 'alreadyEnded', runId: RUN_ID });
    expect(await logs(f)).toHaveLength(1);
  });

  it("finds the run the input names (the API's), else the one named after the execution (a scheduled or signalled run)", async () => {
    const f = fakeDeps();
    await runInProgress(f, { execution: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:orca-camp:e-42` });
    const named = { executionArn: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:orca-camp:e-42`, name: 'e-42' };
    expect(await executionEnded(statusChange('ABORTED', named), f.deps)).toMatchObject({ outcome: 'stopped' });

    const g = fakeDeps();
    await runInProgress(g);
    // Input left out of the event (over 248 KB): the execution's name is the run's.
    const event = statusChange('TIMED_OUT', { input: null, inputDetails: { included: false } });
    expect(await executionEnded(event, g.deps)).toEqual({ outcome: 'interrupted', runId: RUN_ID });
  });

  it("leaves a run alone when the event is another execution's, or names no run", async () => {
    const f = fakeDeps();
    await runInProgress(f);
    const other = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:orca-other:${RUN_ID}`;
    expect(await executionEnded(statusChange('ABORTED', { executionArn: other }), f.deps)).toEqual({
      outcome: 'otherExecution',
      runId: RUN_ID,
    });
    const unknown = { name: 'nobody', input: '{}' };
    expect(await executionEnded(statusChange('FAILED', unknown), f.deps)).toEqual({
      outcome: 'unknownRun',
      runId: 'nobody',
    });
    expect(f.store.run(RUN_ID).status).toBe('running');
  });

  it('ignores the statuses of an execution that runs or succeeded (its run ends through its own steps)', async () => {
    const f = fakeDeps();
    await runInProgress(f);
    for (const status of ['RUNNING', 'SUCCEEDED'])
      expect(await executionEnded(statusChange(status), f.deps)).toEqual({ outcome: 'ignored', status });
    expect(f.store.run(RUN_ID).status).toBe('running');
  });

  it('refuses, in one line, an event that is not an execution status change', async () => {
    const f = fakeDeps();
    const bad = { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: {} };
    const e = await executionEnded(bad, f.deps).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotAnExecutionEvent);
    expect((e as Error).message).toMatch(/^executionEnded: not a "Step Functions Execution Status Change" event/);
    expect((e as Error).message).not.toContain('\n');
  });

  it('the control function takes the event as EventBridge sends it (no `step`)', async () => {
    const f = fakeDeps();
    await runInProgress(f);
    const handler = makeControlHandler(f.deps);
    const event = statusChange('ABORTED');
    expect(await handler(event, {} as Context)).toEqual({ outcome: 'stopped', runId: RUN_ID });
    expect(f.store.run(RUN_ID).status).toBe('stopped');
  });
});
