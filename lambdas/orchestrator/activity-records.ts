/** What the steps of a run write when an activity ends: its transitions, task, log line and status. */
import type { LogEntry, TransitionRecord } from '../ports/store.js';
import type { Deps, OutboundRef } from './types.js';

/** Now, by the run's clock. */
export const iso = (deps: Deps): string => (deps.clock ?? (() => new Date()))().toISOString();

export function inactiveTransition(from: string, t: OutboundRef, at: string): TransitionRecord {
  return {
    transitionId: t.transition,
    from,
    output: t.output,
    to: t.to,
    active: false,
    population: null,
    at,
  };
}

/** Records a finished activity: transitions, task and log in one batch, then its status. */
export async function finishActivity(
  deps: Deps,
  runId: string,
  f: {
    activityId: string;
    startedAt: string;
    at: string;
    transitions: TransitionRecord[];
    log: Pick<LogEntry, 'message' | 'sql' | 'durationMs' | 'rows'>;
    rows?: number;
    resetErrors: boolean;
  },
): Promise<void> {
  const rows = f.rows !== undefined ? { rows: f.rows } : {};
  await deps.store.putMany(runId, {
    transitions: f.transitions,
    tasks: [{ activityId: f.activityId, startedAt: f.startedAt, endedAt: f.at, status: 'done', ...rows }],
    logs: [{ at: f.at, level: 'info', activity: f.activityId, ...f.log }],
  });
  await deps.store.updateActivity(runId, f.activityId, { status: 'done', endedAt: f.at, ...rows });
  if (f.resetErrors) await deps.store.countError(runId, 0);
}
