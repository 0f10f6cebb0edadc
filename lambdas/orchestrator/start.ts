/** The first state of every run: creates (or takes over) the run record, its place among the campaign's runs, its activities. */
import { literalProblem } from '../sql/literal.js';
import { ActivityError } from './errors.js';
import { OrcaError } from '../util/errors.js';
import type { Deps, RunContext, StartEvent } from './types.js';
import { iso } from './activity-records.js';
import type { StatusStore } from '../ports/store.js';
import { isInProgress } from '../../statemachines/lifecycle.js';

/**
 * The activity types whose runs keep state that later runs of the campaign read: the incremental
 * query's memory (keys output before, the last run's time) and saved audiences. A campaign with one
 * of them (enabled) runs one run at a time, test runs included (they read that state too).
 */
export const KEEPS_STATE = new Set(['incrementalQuery', 'saveAudience']);

export function keepsState(activities: ReadonlyArray<{ type: string; disabled?: boolean }>): boolean {
  return activities.some((a) => !a.disabled && KEEPS_STATE.has(a.type));
}

/** Why a run may not start now: one clear line (the API answers 409 with it). */
export class RunRefused extends OrcaError {
  static override readonly errorName = 'Orca.RunRefused';
}

/** A run id of orca's (20261122T153012345Z-ab12cd) says when it was made. */
function madeAt(runId: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(runId);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) : undefined;
}

/**
 * Whether a run holding a place among its campaign's runs is over without having given it back (a
 * crash, an execution that ended without its last step). A run without a record yet is claiming
 * (the API claims before it records the run): over only when it was made more than 10 minutes ago.
 */
async function isStale(store: Pick<StatusStore, 'getRun'>, runId: string, now: Date): Promise<boolean> {
  const run = await store.getRun(runId);
  if (run) return !isInProgress(run.status);
  const at = madeAt(runId);
  return at === undefined || now.getTime() - at > 600_000;
}

/** Gives back the places of the holders that are over; true when there was one. */
export async function releaseStale(
  store: Pick<StatusStore, 'getRun' | 'releaseRun'>,
  campaignId: string,
  holders: string[],
  now = new Date(),
): Promise<boolean> {
  let released = false;
  for (const h of holders)
    if (await isStale(store, h, now)) {
      await store.releaseRun(campaignId, h);
      released = true;
    }
  return released;
}

/**
 * Takes the run's place among its campaign's runs (the store's conditional write decides between
 * concurrent starts, and between a start and a deletion); places left by runs that are over are
 * given back first. Throws RunRefused with the reason.
 */
export async function claimRun(
  store: Pick<StatusStore, 'claimRun' | 'getRun' | 'releaseRun'>,
  campaignId: string,
  runId: string,
  exclusive: boolean,
  now = new Date(),
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const claim = await store.claimRun(campaignId, runId, exclusive);
    if (claim.ok) return;
    if (claim.reason === 'deleted') throw new RunRefused(`campaign '${campaignId}' was deleted`);
    if (attempt < 3 && (await releaseStale(store, campaignId, claim.holders, now))) continue;
    const holder = claim.holders[0] ?? 'another run';
    throw new RunRefused(
      `campaign '${campaignId}' keeps state between runs (incremental query, saved audience), so it runs one at a time, and run ${holder} is in progress: wait for it to end, or stop it`,
    );
  }
}

/** Gives the run's place back (the run is over); a missing register is nothing to give back. */
export async function releaseRun(
  store: Pick<StatusStore, 'releaseRun'>,
  campaignId: string | undefined,
  runId: string,
): Promise<void> {
  if (campaignId) await store.releaseRun(campaignId, runId);
}

/** The run an execution runs: the one the input names (created by the API), else the execution's name. */
export function runIdOf(e: Pick<StartEvent, 'input' | 'execution'>): string {
  return e.input?.run?.runId ?? e.execution;
}

export async function startRun(e: StartEvent, deps: Deps): Promise<RunContext> {
  const now = iso(deps);
  const runId = runIdOf(e);
  const given = e.input?.run?.variables ?? {};
  const variables: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, v] of Object.entries(e.campaign.variables)) {
    const value = Object.hasOwn(given, name) ? given[name] : v.default;
    if (value === undefined || value === null) {
      variables[name] = null;
      continue;
    }
    const problem = literalProblem(value, v.type);
    if (problem) problems.push(`variable '${name}': ${problem}`);
    variables[name] = value;
  }
  for (const name of Object.keys(given))
    if (!Object.hasOwn(e.campaign.variables, name))
      problems.push(
        `unknown variable '${name}'; the campaign declares: ${Object.keys(e.campaign.variables).join(', ') || 'none'}`,
      );

  const existing = await deps.store.getRun(runId);
  // The activities' settings, for the gates (before any can run).
  if (e.plan) await deps.store.putPlan(runId, e.plan);
  const startedAt = existing?.startedAt ?? e.startTime ?? now;
  const testMode = e.input?.run?.testMode ?? existing?.testMode ?? false;
  if (!existing) {
    // A scheduled version says which it is; a machine deployed as code runs its campaign's latest.
    const version = e.input?.run?.version ?? (await deps.store.getCampaign(e.campaign.id))?.version;
    await deps.store.createRun({
      runId,
      campaignId: e.campaign.id,
      campaignLabel: e.campaign.label,
      ...(typeof version === 'number' ? { version } : {}),
      status: 'running',
      startedAt,
      testMode,
      variables,
      trigger: String(e.input?.trigger ?? 'manual'),
      execution: e.executionArn ?? e.execution,
    });
  } else {
    // Created by the API a moment ago: its status is the user's (a pause or stop may already be in).
    await deps.store.updateRun(runId, { variables, execution: e.executionArn ?? e.execution });
  }
  // A run the API started claimed its place already (claiming again is allowed); a scheduled one claims it here.
  await claimRun(deps.store, e.campaign.id, runId, keepsState(e.activities), new Date(now));
  await deps.store.putActivities(
    runId,
    e.activities.map((a) => ({
      activityId: a.id,
      type: a.type,
      ...(a.label ? { label: a.label } : {}),
      status: a.disabled ? 'skipped' : 'pending',
      tasks: 0,
    })),
  );
  await deps.store.log(runId, {
    at: now,
    level: 'info',
    message: `run started${testMode ? ' in test mode (Save audience and channels are skipped)' : ''}`,
  });
  if (problems.length) throw new ActivityError(problems.join('; '));
  return { runId, campaign: e.campaign, startedAt, testMode, variables };
}
