/** The last state of every run: its final status. */
import { parseError, RunStopped } from './errors.js';
import type { Deps, FinalizeEvent, StartFailedEvent } from './types.js';
import { iso } from './activity-records.js';
import { releaseRun, runIdOf } from './start.js';
import { recordNotRun, recordStopped } from './stopped.js';

type Final = { status: 'completed' | 'failed' | 'stopped' };

export async function finalizeRun(e: FinalizeEvent, deps: Deps): Promise<Final> {
  return finalize(e.run.runId, e.status, e.error, deps);
}

/**
 * After a failed start: the run fails with the start's error, so that no run stays `running` for
 * ever. The start may have failed before it created the run record: then it is created, failed.
 */
export async function finalizeFailedStart(e: StartFailedEvent, deps: Deps): Promise<Final> {
  const runId = runIdOf(e);
  await releaseRun(deps.store, e.campaign.id, runId);
  if (await deps.store.getRun(runId)) return finalize(runId, 'failed', e.error, deps);
  const now = iso(deps);
  const message = parseError(e.error).message;
  const version = e.input?.run?.version;
  await deps.store.createRun({
    runId,
    campaignId: e.campaign.id,
    campaignLabel: e.campaign.label,
    ...(typeof version === 'number' ? { version } : {}),
    status: 'failed',
    startedAt: e.startTime ?? now,
    endedAt: now,
    testMode: e.input?.run?.testMode ?? false,
    variables: e.input?.run?.variables ?? {},
    trigger: String(e.input?.trigger ?? 'manual'),
    execution: e.executionArn ?? e.execution,
    error: message,
  });
  await deps.store.log(runId, { at: now, level: 'error', message: `run failed to start: ${message}` });
  return { status: 'failed' };
}

async function finalize(
  runId: string,
  status: FinalizeEvent['status'],
  given: FinalizeEvent['error'],
  deps: Deps,
): Promise<Final> {
  const now = iso(deps);
  const run = await deps.store.getRun(runId);
  // The run is over: its place among the campaign's runs is given back (the final status follows).
  await releaseRun(deps.store, run?.campaignId, runId);
  const seconds = run ? ((Date.parse(now) - Date.parse(run.startedAt)) / 1000).toFixed(1) : '?';
  if (status === 'completed' && !run?.aborting) {
    await deps.store.updateRun(runId, { status: 'completed', endedAt: now }, ['running', 'paused']);
    await deps.store.log(runId, { at: now, level: 'info', message: `run completed in ${seconds} s` });
    return { status: 'completed' };
  }
  const error = parseError(given);
  const message = run?.error ?? (error.name === RunStopped.errorName ? 'stopped' : error.message);
  if (error.name === RunStopped.errorName || run?.status === 'stopping') {
    // Activities that never started show as not run, not pending; running ones as failed.
    await recordStopped(deps.store, runId, now);
    await deps.store.log(runId, { at: now, level: 'warn', message: 'run stopped' });
    return { status: 'stopped' };
  }
  await deps.store.updateRun(runId, { status: 'failed', endedAt: now, error: message }, [
    'running',
    'paused',
    'failed',
  ]);
  // Activities that never started show as not run, not pending.
  await recordNotRun(deps.store, runId, now);
  await deps.store.log(runId, { at: now, level: 'error', message: `run failed after ${seconds} s: ${message}` });
  return { status: 'failed' };
}
