/**
 * When an activity fails: retry what is transient (a few times, with growing delays), otherwise
 * record the error and apply the campaign's error policy: abort the run, suspend it on this
 * activity until resumed, or carry on without this activity's outputs (up to N errors in a row).
 */
import { parseError, RunStopped } from './errors.js';
import { planOf } from './plan.js';
import type { Deps, FailDecision, FailEvent } from './types.js';
import { inactiveTransition, iso } from './activity-records.js';

export const MAX_RETRIES = 3;

export async function failActivity(e: FailEvent, deps: Deps): Promise<FailDecision> {
  const at = iso(deps);
  const runId = e.run.runId;
  const id = e.activity.id;
  const error = parseError(e.error);
  const stopped = error.name === RunStopped.errorName;
  const record = await deps.store.updateActivity(runId, id, { addAttempts: 1 });
  const attempts = record.attempts ?? 1;

  if (!stopped && error.transient && attempts <= MAX_RETRIES) {
    const delay = 5 * 2 ** (attempts - 1);
    await deps.store.log(runId, {
      at,
      level: 'warn',
      activity: id,
      message: `${error.message} (transient: trying again in ${delay} s, attempt ${attempts + 1} of ${MAX_RETRIES + 1})`,
    });
    return { decision: 'retry', delay };
  }
  // Stopped at its gate before it started (the gate refuses to start an activity of a stopping run,
  // or one parked at a pause): not run. Cut short while running (its query cancelled): skipped.
  const stoppedStatus: 'notRun' | 'skipped' =
    record.status === 'pending' || record.status === 'waiting' ? 'notRun' : 'skipped';
  const policy = e.run.campaign.errorPolicy;
  const suspend = !stopped && policy.onError === 'suspend';
  await deps.store.updateActivity(runId, id, {
    status: stopped ? stoppedStatus : suspend ? 'needsAttention' : 'failed',
    endedAt: at,
    error: stopped ? 'stopped' : error.message,
  });
  const task = {
    activityId: id,
    startedAt: record.startedAt ?? at,
    endedAt: at,
    status: stopped ? stoppedStatus : ('failed' as const),
    error: error.message,
  };
  if (stopped) {
    await deps.store.putTask(runId, task);
    return { decision: 'fail', delay: 0 };
  }
  const failed = { at, level: 'error' as const, activity: id, message: `failed: ${error.message}` };
  if (suspend) {
    await deps.store.updateRun(runId, { status: 'paused', pausedReason: `${id} failed: ${error.message}` }, [
      'running',
      'paused',
    ]);
    await deps.store.putMany(runId, {
      tasks: [task],
      logs: [
        failed,
        {
          at,
          level: 'warn',
          activity: id,
          message: 'run suspended: fix the cause, then resume to run the activity again',
        },
      ],
    });
    return { decision: 'suspend', delay: 0 };
  }
  // Either way, the path after this activity does not run.
  await deps.store.putMany(runId, {
    tasks: [task],
    logs: [failed],
    transitions: (e.outbound ?? (await planOf(deps.store, runId))?.[id]?.outbound ?? []).map((t) =>
      inactiveTransition(id, t, at),
    ),
  });
  if (policy.onError === 'ignore') {
    const count = await deps.store.countError(runId, 1);
    if (count <= policy.maxConsecutiveErrors) {
      await deps.store.log(runId, {
        at,
        level: 'warn',
        activity: id,
        message: `error ignored (${count} in a row, at most ${policy.maxConsecutiveErrors}): the path after this activity does not run`,
      });
      return { decision: 'continue', delay: 0 };
    }
    return abort(
      e,
      deps,
      at,
      `${count} errors in a row, more than the ${policy.maxConsecutiveErrors} the error policy ignores; last: ${id}: ${error.message}`,
    );
  }
  return abort(e, deps, at, `${id} failed: ${error.message}`);
}

/**
 * Ends the run as failed without cutting other branches short: no new activity starts (their gates
 * skip), activities already running finish and keep their results, then the run is marked failed.
 */
async function abort(e: FailEvent, deps: Deps, at: string, error: string): Promise<FailDecision> {
  await deps.store.updateRun(e.run.runId, { error, aborting: true });
  await deps.store.log(e.run.runId, {
    at,
    level: 'error',
    message: `the run is failing: ${error}; activities already running finish, no new one starts`,
  });
  return { decision: 'continue', delay: 0 };
}
