/**
 * The gate before every activity: honours stop, pause and breakpoints; skips the activity when
 * its required inputs did not run (and with it, its path); plans it with the real inputs; then
 * either does it right away (flow control: forward, branch, alert, end) or hands the statement to
 * the state machine (a query) or asks it to wait.
 */
import { ACTIVITIES } from '../activities/index.js';
import type { Action, BranchTest, Input, Plan, WorkSchema } from '../activities/framework.js';
import { planActivity } from '../planner.js';
import { glueTableName, workTableName } from '../layout.js';
import { Findings } from '../util/issues.js';
import { formatUtcTimestamp } from '../query/time.js';
import type { RunRecord, TransitionRecord } from '../ports/store.js';
import { ActivityError, RunStopped } from './errors.js';
import { finishActivity, inactiveTransition, iso } from './activity-records.js';
import type { Deps, ForwardedInput, GateEvent, GateResult, OutboundRef, RunContext, SuspendedEvent } from './types.js';

export const PARKED = { parked: true } as const;
export type Parked = typeof PARKED;

/**
 * Stops on a stopped run; parks while the run is paused. A gate goes on when the run is not
 * paused; a suspended activity only once it was resumed.
 */
async function waitUntilRunnable(
  e: GateEvent | SuspendedEvent,
  deps: Deps,
  kind: 'gate' | 'suspended',
): Promise<RunRecord | Parked> {
  const runId = e.run.runId;
  let resumed = e.resumed === true;
  for (;;) {
    const run = await deps.store.getRun(runId);
    if (!run || run.status === 'stopping' || run.status === 'stopped') throw new RunStopped();
    if (run.status !== 'paused' && (kind === 'gate' || resumed)) return run;
    await deps.store.updateActivity(runId, e.activity.id, { status: kind === 'gate' ? 'waiting' : 'needsAttention' });
    const outcome = await deps.control.park({
      runId,
      activityId: e.activity.id,
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

export async function gate(e: GateEvent, deps: Deps): Promise<GateResult | Parked> {
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
  const current = await waitUntilRunnable(e, deps, 'gate');
  if ('parked' in current) return PARKED;
  // The run's consecutive error count goes back to 0 when an activity succeeds after errors.
  const resetErrors = (current.consecutiveErrors ?? 0) > 0;
  if (current.aborting) {
    await skip(e, deps, `the run is failing (${current.error ?? 'an activity failed'}): no new activity starts`);
    return { action: 'done' };
  }

  const module = ACTIVITIES.get(activity.type);
  if (!module) throw new ActivityError(`unknown activity type ${activity.type}`);
  const records = await deps.store.getTransitions(
    runId,
    e.inbound.map((t) => t.transition),
  );
  const ran = (id: string) => records.get(id)?.active === true;

  // Dead paths: an activity whose required inputs did not run is skipped, and so is its path.
  const inboundIds = e.inbound.map((t) => t.transition);
  const required = module.requires?.(activity as never, inboundIds) ?? [];
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
    if (rec?.active)
      inputs.push({
        transition: t.transition,
        from: t.from,
        output: t.output,
        schema: schemaOf(rec),
        ref: {
          location: rec.location,
          table: rec.table,
          output: rec.output,
          rows: rec.rows,
          columns: rec.columns,
          stored: rec.stored,
        },
      });
    else if (!module.dropsInactive)
      inputs.push({
        transition: t.transition,
        from: t.from,
        output: t.output,
        schema: t.schema,
        ref: t.schema ? { location: '-', table: '-', output: t.output, rows: 0, columns: t.schema.columns } : null,
      });
  }

  const state = await loadState(e, deps);
  const findings = new Findings();
  const plan: Plan = planActivity({
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

  const action: Action = plan.action;
  const forwardFrom = (from: Record<string, number>) => forwarded(from, inputs);
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
        activity,
        outbound: e.outbound,
        outputs: plan.outputs,
        ...(action.saves ? { saves: action.saves } : {}),
        startedAt,
        resetErrors,
      };
    }
    case 'wait':
      return {
        action: 'wait',
        ...(action.seconds !== undefined ? { seconds: Math.round(action.seconds) } : {}),
        ...(action.until ? { until: action.until } : {}),
        activity,
        outbound: e.outbound,
        forward: forwardFrom(action.from),
        startedAt,
        resetErrors,
      };
    case 'forward':
      await complete(run, deps, activity.id, startedAt, e.outbound, forwardFrom(action.from), 'done', resetErrors);
      return { action: 'done' };
    case 'branch': {
      const chosen = chooseBranch(action.branches, action.otherwise, inputs, run);
      const out = forwardFrom(Object.fromEntries(chosen ? [[chosen, 0]] : []));
      await complete(
        run,
        deps,
        activity.id,
        startedAt,
        e.outbound,
        out,
        chosen ? `took branch '${chosen}'` : 'no branch matched: the path stops here',
        resetErrors,
      );
      return { action: 'done' };
    }
    case 'alert': {
      await deps.notifier.notify({
        campaignId: run.campaign.id,
        runId,
        activityId: activity.id,
        title: action.title,
        message: action.message,
        severity: action.severity,
      });
      await deps.store.log(runId, {
        at: iso(deps),
        level: action.severity === 'error' ? 'error' : action.severity === 'warning' ? 'warn' : 'info',
        activity: activity.id,
        message: `alert: ${action.title}: ${action.message}`,
      });
      await complete(
        run,
        deps,
        activity.id,
        startedAt,
        e.outbound,
        forwardFrom(action.from),
        'alert sent',
        resetErrors,
      );
      return { action: 'done' };
    }
    case 'end': {
      let note = 'branch ended';
      if (action.signal) {
        if (run.testMode) note = `test mode: signal to '${action.signal.campaign}' not sent`;
        else if (deps.signal)
          note = `signal sent: started campaign '${action.signal.campaign}' (run ${await deps.signal(action.signal.campaign, action.signal.variables ?? {}, { campaignId: run.campaign.id, runId })})`;
        else
          note = `signal to '${action.signal.campaign}' not sent: signals need the orca service (orca serve) or the cloud deployment`;
      }
      await complete(run, deps, activity.id, startedAt, e.outbound, {}, note, resetErrors);
      return { action: 'done' };
    }
    default:
      throw new ActivityError(action.type === 'unsupported' ? action.reason : 'the activity cannot run');
  }
}

function schemaOf(rec: TransitionRecord): WorkSchema {
  return { dimension: rec.dimension, columns: rec.columns, ...(rec.stored ? { stored: rec.stored } : {}) };
}

function targetTable(run: RunContext, activityId: string, action: Extract<Action, { type: 'query' }>): string {
  if (action.saves && 'audience' in action.saves)
    return glueTableName('a', action.saves.audience, run.runId, activityId);
  if (action.saves && 'history' in action.saves) return glueTableName('h', run.campaign.id, activityId, run.runId);
  return workTableName(run.campaign.id, run.runId, activityId);
}

async function loadState(e: GateEvent, deps: Deps) {
  const a = e.activity as Record<string, unknown>;
  if (a.type === 'readAudience') {
    const saved = await deps.store.getAudience(String(a.audience));
    return saved
      ? {
          audience: {
            ref: {
              location: saved.location,
              table: saved.table,
              output: 'main',
              rows: saved.rows,
              columns: saved.columns,
              stored: saved.stored,
            },
            dimension: saved.dimension,
          },
        }
      : {};
  }
  if (a.type === 'incrementalQuery') {
    const h = await deps.store.getHistory(e.run.campaign.id, e.activity.id);
    const mode = a.mode as { type: string; historyDays?: number };
    const since = mode.historyDays ? Date.parse(e.run.startedAt) - mode.historyDays * 86_400_000 : -Infinity;
    const history = h.entries
      .filter((x) => x.runId !== e.run.runId && Date.parse(x.at) >= since && x.rows > 0)
      .map((x) => ({ location: x.location, table: x.table, output: 'main', rows: x.rows, columns: x.columns }));
    return { history, lastRunAt: h.lastRunAt ? formatUtcTimestamp(new Date(h.lastRunAt)) : undefined };
  }
  return {};
}

/** Outputs that carry inputs on: output -> the input's population (or inactive). */
function forwarded(from: Record<string, number>, inputs: Input[]): Record<string, ForwardedInput> {
  const out: Record<string, ForwardedInput> = {};
  for (const [output, i] of Object.entries(from)) {
    const input = inputs[i];
    if (input?.ref && input.schema && input.ref.location !== '-') {
      out[output] = {
        active: true,
        rows: input.ref.rows,
        dimension: input.schema.dimension,
        location: input.ref.location,
        table: input.ref.table,
        columns: input.ref.columns,
        ...(input.ref.stored ? { stored: input.ref.stored } : {}),
      };
    } else if (!input ? inputs.length === 0 : !input.schema) {
      // An entry activity (a first Wait...) or an input without population: control flow only.
      out[output] = { active: true, rows: 0, dimension: null, location: '-', table: '-', columns: [] };
    } else out[output] = { active: false };
  }
  return out;
}

/** Records the outbound transitions of an activity that forwards populations, and marks it done. */
export async function complete(
  run: RunContext,
  deps: Deps,
  activityId: string,
  startedAt: string,
  outbound: OutboundRef[],
  outputs: Record<string, ForwardedInput>,
  note: string,
  resetErrors: boolean,
): Promise<void> {
  const at = iso(deps);
  const transitions: TransitionRecord[] = outbound.map((t) => {
    const o = outputs[t.output];
    return o?.active
      ? {
          transitionId: t.transition,
          from: activityId,
          output: t.output,
          to: t.to,
          active: true,
          rows: o.rows,
          dimension: o.dimension,
          location: o.location,
          table: o.table,
          columns: o.columns,
          ...(o.stored ? { stored: o.stored } : {}),
          at,
        }
      : inactiveTransition(activityId, t, at);
  });
  await finishActivity(deps, run.runId, {
    activityId,
    startedAt,
    at,
    transitions,
    log: { message: note, durationMs: Date.parse(at) - Date.parse(startedAt) },
    resetErrors,
  });
}

async function skip(e: GateEvent, deps: Deps, why: string): Promise<void> {
  const at = iso(deps);
  const runId = e.run.runId;
  await deps.store.putMany(runId, {
    transitions: e.outbound.map((t) => inactiveTransition(e.activity.id, t, at)),
    tasks: [{ activityId: e.activity.id, startedAt: at, endedAt: at, status: 'skipped' }],
    logs: [{ at, level: 'info', activity: e.activity.id, message: `skipped: ${why}` }],
  });
  await deps.store.updateActivity(runId, e.activity.id, { status: 'skipped', endedAt: at });
}

function chooseBranch(
  branches: Array<{ output: string; test: BranchTest }>,
  otherwise: string | undefined,
  inputs: Input[],
  run: RunContext,
): string | undefined {
  for (const b of branches) if (holds(b.test, inputs, run)) return b.output;
  return otherwise;
}

function holds(test: BranchTest, inputs: Input[], run: RunContext): boolean {
  const subject = 'population' in test.subject ? (inputs[0]?.ref?.rows ?? 0) : run.variables[test.subject.variable];
  const empty = subject === null || subject === undefined || subject === '';
  if (test.operator === 'isEmpty') return empty;
  if (test.operator === 'isNotEmpty') return !empty;
  if (empty) return false;
  const a = subject as string | number | boolean;
  const b = test.value as string | number | boolean;
  const [x, y] = typeof a === 'number' || typeof b === 'number' ? [Number(a), Number(b)] : [a, b];
  switch (test.operator) {
    case 'equal':
      return x === y;
    case 'notEqual':
      return x !== y;
    case 'greater':
      return x > y;
    case 'less':
      return x < y;
    case 'greaterOrEqual':
      return x >= y;
    case 'lessOrEqual':
      return x <= y;
  }
}
