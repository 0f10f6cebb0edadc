/** How runs read in the API (and in the CLI, which reads the same records locally). */
import type { RunRecord, StatusStore } from '../ports/store.js';

export function runSummary(r: RunRecord) {
  return {
    runId: r.runId,
    status: r.status,
    startedAt: r.startedAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.version !== undefined ? { version: r.version } : {}),
    testMode: r.testMode,
  };
}

/** How a run's activities ended: how many are done and failed out of all, and the first that failed. */
export async function runOutcome(store: Pick<StatusStore, 'listActivities'>, runId: string) {
  const activities = await store.listActivities(runId);
  const failed = activities.filter((a) => a.status === 'failed');
  return {
    counts: {
      activities: activities.length,
      done: activities.filter((a) => a.status === 'done').length,
      failed: failed.length,
    },
    ...(failed[0] ? { failedActivity: failed[0].activityId } : {}),
  };
}

/** A run with each activity's status, times, error and rows, and each transition's count. */
export async function runDetail(store: StatusStore, r: RunRecord) {
  const [activities, transitions] = await Promise.all([store.listActivities(r.runId), store.listTransitions(r.runId)]);
  return {
    ...runSummary(r),
    campaignId: r.campaignId,
    variables: r.variables,
    ...(r.pausedReason && r.status === 'paused' ? { pausedReason: r.pausedReason } : {}),
    activities: activities.map((a) => ({
      id: a.activityId,
      type: a.type,
      status: a.status,
      ...(a.startedAt ? { startedAt: a.startedAt } : {}),
      ...(a.endedAt ? { endedAt: a.endedAt } : {}),
      ...(a.error ? { error: a.error } : {}),
      ...(a.rows !== undefined ? { rows: a.rows } : {}),
      ...(a.tasks !== undefined ? { tasks: a.tasks } : {}),
    })),
    transitions: transitions.map((t) => ({
      id: t.transitionId,
      from: t.from,
      output: t.output,
      to: t.to,
      rows: t.population?.rows ?? 0,
      active: t.active,
    })),
  };
}

export type RunDetail = Awaited<ReturnType<typeof runDetail>>;
