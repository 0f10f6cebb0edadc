import type { RunRecord, StatusStore } from '../ports/store.js';
import { releaseRun } from './start.js';

/** Records a run as stopped: activities not started are skipped, those in progress failed. */
export async function recordStopped(store: StatusStore, runId: string, at: string): Promise<void> {
  await store.updateRun(runId, { status: 'stopped', endedAt: at });
  await releaseRun(store, (await store.getRun(runId))?.campaignId, runId);
  for (const a of await store.listActivities(runId)) {
    if (a.status === 'pending') await store.updateActivity(runId, a.activityId, { status: 'skipped', endedAt: at });
    else if (['running', 'waiting', 'needsAttention'].includes(a.status))
      await store.updateActivity(runId, a.activityId, { status: 'failed', error: 'stopped', endedAt: at });
  }
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
