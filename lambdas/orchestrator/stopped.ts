import type { StatusStore } from '../ports/store.js';

/** Records a run as stopped: activities not started are skipped, those in progress failed. */
export async function recordStopped(store: StatusStore, runId: string, at: string): Promise<void> {
  await store.updateRun(runId, { status: 'stopped', endedAt: at });
  for (const a of await store.listActivities(runId)) {
    if (a.status === 'pending') await store.updateActivity(runId, a.activityId, { status: 'skipped', endedAt: at });
    else if (['running', 'waiting', 'needsAttention'].includes(a.status)) await store.updateActivity(runId, a.activityId, { status: 'failed', error: 'stopped', endedAt: at });
  }
}
