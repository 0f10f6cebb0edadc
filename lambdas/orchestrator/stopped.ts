import type { RunRecord, StatusStore } from '../ports/store.js';
import { releaseRun } from './start.js';
import { isInProgress } from '../../statemachines/lifecycle.js';

/** Records a run as stopped: activities not started are not run, those in progress failed. */
export async function recordStopped(store: StatusStore, runId: string, at: string): Promise<void> {
  await store.updateRun(runId, { status: 'stopped', endedAt: at });
  await releaseRun(store, (await store.getRun(runId))?.campaignId, runId);
  for (const a of await store.listActivities(runId)) {
    if (a.status === 'pending') await store.updateActivity(runId, a.activityId, { status: 'notRun', endedAt: at });
    else if (['running', 'waiting', 'needsAttention'].includes(a.status))
      await store.updateActivity(runId, a.activityId, { status: 'failed', error: 'stopped', endedAt: at });
  }
}

/**
 * Runs that were in progress in a process that ended without ending them (kill -9, a crash, the
 * machine stopped): each becomes `interrupted`, its running activities `interrupted`, those that
 * never started not run, and its place among its campaign's runs is given back. Only for a store
 * that no other process runs executions of (the embedded runtime, which holds its data folder).
 */
export async function recordInterrupted(store: StatusStore, at: string): Promise<string[]> {
  const interrupted: string[] = [];
  const error = 'interrupted: the process running it ended first (killed, crashed, or the machine stopped)';
  for (const run of await store.recentRuns(10_000))
    if (isInProgress(run.status) && (await recordRunInterrupted(store, run, at, error, `run ${error}`)))
      interrupted.push(run.runId);
  return interrupted;
}

/**
 * Records one run as `interrupted` (if it is still in progress): its running activities
 * `interrupted`, those that never started skipped, its place given back, `message` in its log.
 * False when the run had already ended.
 */
export async function recordRunInterrupted(
  store: StatusStore,
  run: Pick<RunRecord, 'runId' | 'campaignId'>,
  at: string,
  error: string,
  message: string,
): Promise<boolean> {
  if (
    !(await store.updateRun(run.runId, { status: 'interrupted', endedAt: at, error }, [
      'running',
      'paused',
      'stopping',
    ]))
  )
    return false;
  for (const a of await store.listActivities(run.runId)) {
    if (a.status === 'pending') await store.updateActivity(run.runId, a.activityId, { status: 'notRun', endedAt: at });
    else if (['running', 'waiting', 'needsAttention'].includes(a.status))
      await store.updateActivity(run.runId, a.activityId, {
        status: 'interrupted',
        error: 'interrupted',
        endedAt: at,
      });
  }
  await releaseRun(store, run.campaignId, run.runId);
  await store.log(run.runId, { at, level: 'error', message });
  return true;
}

/**
 * Stops a run: from now on no activity starts ('stopping'), `cancel` ends its execution and
 * queries, then the run is recorded as stopped. If cancelling fails the run stays 'stopping' and
 * stop may be sent again. False when the run was not in progress.
 */
export async function stopRun(
  store: StatusStore,
  runId: string,
  actor: string,
  cancel: (run: RunRecord) => Promise<void>,
  now: () => Date = () => new Date(),
): Promise<boolean> {
  if (!(await store.updateRun(runId, { status: 'stopping' }, ['running', 'paused', 'stopping']))) return false;
  await store.log(runId, {
    at: now().toISOString(),
    level: 'warn',
    message: `stopped by ${actor}: running queries are cancelled`,
    actor,
  });
  try {
    await cancel((await store.getRun(runId))!);
  } catch (e) {
    await store.log(runId, {
      at: now().toISOString(),
      level: 'error',
      message: `stopping failed: ${(e as Error).message}; send stop again`,
    });
    throw e;
  }
  await recordStopped(store, runId, now().toISOString());
  return true;
}

/** The activities of an ended run that never started (still pending): not run. */
export async function recordNotRun(store: StatusStore, runId: string, at: string): Promise<void> {
  for (const a of await store.listActivities(runId))
    if (a.status === 'pending') await store.updateActivity(runId, a.activityId, { status: 'notRun', endedAt: at });
}
