/**
 * The gate before every activity: honours stop, pause and breakpoints; skips the activity when
 * its required inputs did not run (and with it, its path); loads the state the activity's module
 * asks for and plans it with the real inputs; then hands the statement to the state machine (a
 * query), asks it to wait, or does the activity at once (the module's `act` hook, or forwarding
 * the plan's populations). Nothing here knows an activity type: the modules carry their behaviour.
 */
import { type Action, actAtOnce, type Input } from '../activities/framework.js';
import { moduleOf } from '../activities/index.js';
import { glueTableName, workTableName } from '../layout.js';
import { planActivity } from '../planner.js';
import { schemaOf } from '../sql/population.js';
import { Findings } from '../util/issues.js';
import type { Target } from '../ports/engine.js';
import type { RunRecord, TransitionRecord } from '../ports/store.js';
import { ActivityError, RunStopped } from './errors.js';
import { finishActivity, inactiveTransition, iso } from './activity-records.js';
import { planEntry } from './plan.js';
import type {
  Carried,
  Deps,
  GateEvent,
  GateRef,
  GateResult,
  OutboundRef,
  RunContext,
  SuspendedEvent,
} from './types.js';

export const PARKED = { parked: true } as const;
export type Parked = typeof PARKED;

/**
 * Stops on a stopped run; parks while the run is paused. A gate goes on when the run is not
 * paused; a suspended activity only once it was resumed.
 */
async function waitUntilRunnable(
  e: GateRef | GateEvent | SuspendedEvent,
  deps: Deps,
  kind: 'gate' | 'suspended',
): Promise<RunRecord | Parked> {
  const runId = e.run.runId;
  const activityId = typeof e.activity === 'string' ? e.activity : e.activity.id;
  let resumed = e.resumed === true;
  for (;;) {
    const run = await deps.store.getRun(runId);
    if (!run || run.status === 'stopping' || run.status === 'stopped') throw new RunStopped();
    if (run.status !== 'paused' && (kind === 'gate' || resumed)) return run;
    await deps.store.updateActivity(runId, activityId, { status: kind === 'gate' ? 'waiting' : 'needsAttention' });
    const outcome = await deps.control.park({
      runId,
      activityId,
      kind,
      token: e.token,
      event: { ...e, resumed: true },
    });
    if (outcome === 'parked') return PARKED;
    resumed = true;
  }
}

/** A suspended activity waits for a resume, then its gate runs it again. */
export async function suspended(e: SuspendedEvent, deps: Deps): Promise<{ resumed: true } | Parked> {
  const r = await waitUntilRunnable(e, deps, 'suspended');
  if ('parked' in r) return PARKED;
  await deps.store.log(e.run.runId, {
    at: iso(deps),
    level: 'info',
    activity: e.activity.id,
    message: 'resumed: running the activity again',
  });
  return { resumed: true };
}

/** The gate's event with the activity's settings: as given, or from the run's plan. */
async function withSettings(e: GateRef | GateEvent, deps: Deps): Promise<GateEvent> {
  if (typeof e.activity !== 'string') return e as GateEvent;
  const { activity, inbound, outbound } = await planEntry(deps.store, e.run.runId, e.activity);
  return { ...e, activity, inbound, outbound };
}

export async function gate(ref: GateRef | GateEvent, deps: Deps): Promise<GateResult | Parked> {
  const e = await withSettings(ref, deps);
  const { run, activity } = e;
  const runId = run.runId;
  if (activity.breakpoint && !e.resumed) {
    const paused = await deps.store.updateRun(
      runId,
      { status: 'paused', pausedReason: `breakpoint before ${activity.id}` },
      ['running'],
    );
    if (paused)
      await deps.store.log(runId, {
        at: iso(deps),
        level: 'info',
        activity: activity.id,
        message: 'paused at a breakpoint: inspect the inbound transitions, then resume',
      });
  }
  // A parked gate is called again with the event it was given (the id, not the settings).
  const current = await waitUntilRunnable(ref, deps, 'gate');
  if ('parked' in current) return PARKED;
  // The run's consecutive error count goes back to 0 when an activity succeeds after errors.
  const resetErrors = (current.consecutiveErrors ?? 0) > 0;
  if (current.aborting) {
    await skip(
      e,
      deps,
      `the run is failing (${current.error ?? 'an activity failed'}): no new activity starts`,
      'notRun',
    );
    return { action: 'done' };
  }

  const module = moduleOf(activity);
  const records = await deps.store.getTransitions(
    runId,
    e.inbound.map((t) => t.transition),
  );
  const ran = (id: string) => records.get(id)?.active === true;

  // Dead paths: an activity whose required inputs did not run is skipped, and so is its path.
  const inboundIds = e.inbound.map((t) => t.transition);
  const required = module.requires?.(activity, inboundIds) ?? [];
  const missing = required.find((t) => !ran(t));
  const noneRan = inboundIds.length > 0 && !inboundIds.some(ran);
  if (missing || noneRan) {
    const why = missing ? `transition '${missing}' did not run` : 'no inbound transition ran';
    await skip(e, deps, why);
    return { action: 'done' };
  }

  const startedAt = iso(deps);
  await deps.store.updateActivity(runId, activity.id, {
    status: 'running',
    startedAt,
    addTasks: 1,
    error: undefined,
    endedAt: undefined,
  });

  // Inputs: transitions that ran as they are; the others, as empty populations (or left out).
  const inputs: Input[] = [];
  for (const t of e.inbound) {
    const rec = records.get(t.transition);
    const edge = { transition: t.transition, from: t.from, output: t.output };
    if (rec?.active) inputs.push({ ...edge, schema: rec.population && schemaOf(rec.population), ref: rec.population });
    else if (!module.dropsInactive)
      inputs.push({
        ...edge,
        schema: t.schema,
        ref: t.schema ? { ...t.schema, location: '-', table: '-', output: t.output, rows: 0 } : null,
      });
  }

  const state = await module.load?.(activity, {
    store: deps.store,
    run: { id: runId, campaignId: run.campaign.id, startedAt: run.startedAt },
  });
  const findings = new Findings();
  const plan = planActivity({
    catalog: deps.catalog,
    dialect: deps.engine.dialect,
    campaign: run.campaign,
    activity,
    inputs,
    now: new Date(run.startedAt),
    report: findings.at(activity.id, []),
    run: { id: runId, testMode: run.testMode },
    state,
    values: run.variables,
  });
  if (findings.errors.length)
    throw new ActivityError(findings.errors.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));

  const action = plan.action;
  const common = { activity, outbound: e.outbound, startedAt, resetErrors };
  switch (action.type) {
    case 'query': {
      const target = { location: action.location, table: targetTable(run, activity.id, action) };
      await deps.engine.prepareTarget(target);
      if (action.csv) await deps.engine.prepareCsv(action.csv);
      const sql = deps.engine.materialize(action.sql, target);
      return {
        action: 'query',
        sql,
        select: action.sql,
        target,
        outputs: plan.outputs,
        ...(action.saves ? { saves: action.saves } : {}),
        ...common,
      };
    }
    case 'send': {
      // The message table, chunked (the engine writes one group of files per orca_chunk; `chunks`
      // is the optional Target field of the chunked materialisation).
      const target: Target & { chunks?: number } = {
        location: action.location,
        table: workTableName(run.campaign.id, runId, activity.id),
        chunks: action.chunks,
      };
      await deps.engine.prepareTarget(target);
      return {
        action: 'send',
        sql: deps.engine.materialize(action.sql, target),
        select: action.sql,
        target: { location: target.location, table: target.table },
        channel: action.channel,
        chunks: action.chunks,
        outputs: plan.outputs,
        ...common,
      };
    }
    case 'wait':
      return {
        action: 'wait',
        ...(action.seconds !== undefined ? { seconds: Math.round(action.seconds) } : {}),
        ...(action.until ? { until: action.until } : {}),
        forward: forwarded(action.from, inputs),
        ...common,
      };
    case 'atOnce': {
      const signal = deps.signal;
      const acted = await actAtOnce(module, activity, action, {
        inputs,
        run: { id: runId, campaignId: run.campaign.id, testMode: run.testMode, variables: run.variables },
        effects: {
          notify: (alert) =>
            deps.notifier.notify({ campaignId: run.campaign.id, runId, activityId: activity.id, ...alert }),
          signal: signal
            ? (campaignId, variables) => signal(campaignId, variables, { campaignId: run.campaign.id, runId })
            : undefined,
        },
      });
      if (acted.log) await deps.store.log(runId, { at: iso(deps), activity: activity.id, ...acted.log });
      await complete(run, deps, { ...common, activityId: activity.id }, forwarded(acted.forward, inputs), acted.note);
      return { action: 'done' };
    }
    case 'unsupported':
      throw new ActivityError(action.reason);
    case 'invalid':
      throw new ActivityError('the activity cannot run');
  }
}

function targetTable(run: RunContext, activityId: string, action: Extract<Action, { type: 'query' }>): string {
  if (action.saves && 'audience' in action.saves)
    return glueTableName('a', action.saves.audience, run.runId, activityId);
  if (action.saves && 'history' in action.saves) return glueTableName('h', run.campaign.id, activityId, run.runId);
  return workTableName(run.campaign.id, run.runId, activityId);
}

/** Outputs that carry inputs on: output -> the input's population (or inactive). */
function forwarded(from: Record<string, number>, inputs: Input[]): Record<string, Carried> {
  const out: Record<string, Carried> = {};
  for (const [output, i] of Object.entries(from)) {
    const input = inputs[i];
    if (input?.ref && input.schema && input.ref.location !== '-') out[output] = { active: true, population: input.ref };
    // An entry activity (a first Wait...) or an input without population: control flow only.
    else if (!input ? inputs.length === 0 : !input.schema) out[output] = { active: true, population: null };
    else out[output] = { active: false, population: null };
  }
  return out;
}

/** Records the outbound transitions of an activity that forwards populations, and marks it done. */
export async function complete(
  run: RunContext,
  deps: Deps,
  done: { activityId: string; startedAt: string; outbound: OutboundRef[]; resetErrors: boolean },
  outputs: Record<string, Carried>,
  note: string,
): Promise<void> {
  const at = iso(deps);
  const transitions: TransitionRecord[] = done.outbound.map((t) => {
    const o = outputs[t.output];
    return o?.active
      ? {
          transitionId: t.transition,
          from: done.activityId,
          output: t.output,
          to: t.to,
          active: true,
          population: o.population,
          at,
        }
      : inactiveTransition(done.activityId, t, at);
  });
  await finishActivity(deps, run.runId, {
    activityId: done.activityId,
    startedAt: done.startedAt,
    at,
    transitions,
    log: { message: note, durationMs: Date.parse(at) - Date.parse(done.startedAt) },
    resetErrors: done.resetErrors,
  });
}

/** skipped: its branch was not taken; notRun: its run is failing, nothing new starts. */
async function skip(e: GateEvent, deps: Deps, why: string, status: 'skipped' | 'notRun' = 'skipped'): Promise<void> {
  const at = iso(deps);
  const runId = e.run.runId;
  await deps.store.putMany(runId, {
    transitions: e.outbound.map((t) => inactiveTransition(e.activity.id, t, at)),
    tasks: [{ activityId: e.activity.id, startedAt: at, endedAt: at, status }],
    logs: [
      { at, level: 'info', activity: e.activity.id, message: `${status === 'notRun' ? 'not run' : 'skipped'}: ${why}` },
    ],
  });
  await deps.store.updateActivity(runId, e.activity.id, { status, endedAt: at });
}
