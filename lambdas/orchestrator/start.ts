/** The first state of every run: creates (or takes over) the run record and its activities. */
import { literalProblem } from '../sql/literal.js';
import { ActivityError } from './errors.js';
import type { Deps, RunContext, StartEvent } from './types.js';
import { iso } from './activity-records.js';

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
