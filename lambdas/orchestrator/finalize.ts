/** The last state of every run: its final status. */
import { parseError, RunStopped } from './errors.js';
import type { Deps, FinalizeEvent } from './types.js';
import { iso } from './activity-records.js';

export async function finalizeRun(
  e: FinalizeEvent,
  deps: Deps,
): Promise<{ status: 'completed' | 'failed' | 'stopped' }> {
  const now = iso(deps);
  const runId = e.run.runId;
  const run = await deps.store.getRun(runId);
  const seconds = run ? ((Date.parse(now) - Date.parse(run.startedAt)) / 1000).toFixed(1) : '?';
  if (e.status === 'completed' && !run?.aborting) {
    await deps.store.updateRun(runId, { status: 'completed', endedAt: now }, ['running', 'paused']);
    await deps.store.log(runId, { at: now, level: 'info', message: `run completed in ${seconds} s` });
    return { status: 'completed' };
  }
  const error = parseError(e.error);
  const message = run?.error ?? (error.name === RunStopped.errorName ? 'stopped' : error.message);
  if (error.name === RunStopped.errorName || run?.status === 'stopping') {
    await deps.store.updateRun(runId, { status: 'stopped', endedAt: now });
    await deps.store.log(runId, { at: now, level: 'warn', message: 'run stopped' });
    return { status: 'stopped' };
  }
  await deps.store.updateRun(runId, { status: 'failed', endedAt: now, error: message }, [
    'running',
    'paused',
    'failed',
  ]);
  await deps.store.log(runId, { at: now, level: 'error', message: `run failed after ${seconds} s: ${message}` });
  return { status: 'failed' };
}
