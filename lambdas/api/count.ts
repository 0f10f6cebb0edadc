/**
 * Count before running: the row count of one activity's output, computed by running only the
 * activities upstream of it (and it), in test mode, into scratch work tables under `tmp/count/`
 * of the data folder, removed afterwards. Nothing is recorded: no run, no audience, no memory of
 * an incremental query; waits do not wait; alerts and signals are not sent.
 */
import { randomBytes } from 'node:crypto';
import { actAtOnce, type Input, type StateReader } from '../activities/framework.js';
import type { Catalog } from '../catalog/catalog.js';
import type { QueryEngine } from '../ports/engine.js';
import { planActivity } from '../planner.js';
import { population, schemaOf, type Population, type WorkSchema } from '../sql/population.js';
import { Findings } from '../util/issues.js';
import type { Analysis } from '../../statemachines/validate.js';
import { badRequest } from './errors.js';

/** An engine that can run a statement itself (DuckDB locally); the cloud's runs through Step Functions. */
export interface ScratchEngine extends QueryEngine {
  execute(sql: string): Promise<{ queryId: string }>;
}

export function canCount(engine: QueryEngine): engine is ScratchEngine {
  return typeof (engine as Partial<ScratchEngine>).execute === 'function';
}

export interface CountResult {
  activity: string;
  output: string;
  rows: number;
  /** The rows of each output of each activity that ran for the count (upstream first). */
  upstream: Array<{ activity: string; outputs: Record<string, number> }>;
  /** Activities on the way that did not run (disabled, a branch not taken...), and why. */
  notRun: Array<{ activity: string; reason: string }>;
}

interface Carried {
  active: boolean;
  population: Population | null;
}

/** The activities `target` depends on, and it, in the analysis' order. */
export function upstreamOf(analysis: Analysis, target: string): string[] {
  const needed = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const t of analysis.nodes.get(id)?.inbound ?? []) stack.push(t.from);
  }
  return analysis.order.filter((id) => needed.has(id));
}

export async function countActivity(d: {
  analysis: Analysis;
  catalog: Catalog;
  engine: ScratchEngine;
  store?: StateReader;
  activity: string;
  output?: string | undefined;
  variables?: Record<string, unknown>;
  now: Date;
}): Promise<CountResult> {
  const { analysis } = d;
  const node = analysis.nodes.get(d.activity);
  if (!node?.valid) throw badRequest(`the campaign has no activity '${d.activity}'`);
  const outputs = node.module.outputs(node.def);
  const output = d.output ?? outputs[0] ?? 'main';
  if (!outputs.includes(output))
    throw badRequest(`activity '${d.activity}' has no output '${output}'; its outputs: ${outputs.join(', ')}`);

  const scratch = `tmp/count/${randomBytes(6).toString('hex')}`;
  const runId = `count-${scratch.slice(-12)}`;
  const campaign = analysis.campaign;
  const carried = new Map<string, Carried>();
  const key = (from: string, out: string) => `${from}\u0000${out}`;
  const result: CountResult = { activity: d.activity, output, rows: 0, upstream: [], notRun: [] };
  const stopped = (id: string, reason: string) => result.notRun.push({ activity: id, reason });
  try {
    for (const id of upstreamOf(analysis, d.activity)) {
      const n = analysis.nodes.get(id)!;
      if (!n.valid) throw badRequest(`activity '${id}' has errors; fix them before counting`);
      const module = n.module;
      const outs = module.outputs(n.def);
      const inactive = () => {
        for (const o of outs) carried.set(key(id, o), { active: false, population: null });
      };
      if (n.def.disabled) {
        stopped(id, 'disabled');
        inactive();
        continue;
      }
      const ran = (t: { from: string; output: string }) => carried.get(key(t.from, t.output))?.active === true;
      const inboundIds = n.inbound.map((t) => t.id);
      const required = module.requires?.(n.def, inboundIds) ?? [];
      const missing = required.find((tid) => !ran(n.inbound.find((t) => t.id === tid)!));
      if (missing || (n.inbound.length > 0 && !n.inbound.some(ran))) {
        stopped(id, missing ? `transition '${missing}' does not run` : 'no inbound transition runs');
        inactive();
        continue;
      }
      const inputs: Input[] = [];
      for (const t of n.inbound) {
        const c = carried.get(key(t.from, t.output));
        const edge = { transition: t.id, from: t.from, output: t.output };
        if (c?.active) inputs.push({ ...edge, schema: c.population && schemaOf(c.population), ref: c.population });
        else if (!module.dropsInactive) {
          const from = analysis.nodes.get(t.from);
          const schema: WorkSchema | null = (from?.valid && from.plan?.outputs[t.output]) || null;
          inputs.push({
            ...edge,
            schema,
            ref: schema ? { ...schema, location: '-', table: '-', output: t.output, rows: 0 } : null,
          });
        }
      }
      const state =
        d.store && module.load
          ? await module.load(n.def, {
              store: d.store,
              run: { id: runId, campaignId: campaign.id, startedAt: d.now.toISOString() },
            })
          : undefined;
      const findings = new Findings();
      const plan = planActivity({
        catalog: d.catalog,
        dialect: d.engine.dialect,
        campaign,
        activity: n.def,
        inputs,
        now: d.now,
        report: findings.at(id, []),
        run: { id: runId, testMode: true },
        state,
        values: d.variables,
      });
      if (findings.errors.length)
        throw badRequest(`activity '${id}' cannot be counted: ${findings.errors.map((i) => i.message).join('; ')}`);
      const forward = (from: Record<string, number>) => {
        for (const [o, i] of Object.entries(from)) {
          const input = inputs[i];
          if (input?.ref && input.schema && input.ref.location !== '-')
            carried.set(key(id, o), { active: true, population: input.ref });
          else if (!input ? inputs.length === 0 : !input.schema)
            carried.set(key(id, o), { active: true, population: null });
          else carried.set(key(id, o), { active: false, population: null });
        }
        for (const o of outs)
          if (!carried.has(key(id, o))) carried.set(key(id, o), { active: false, population: null });
      };
      const action = plan.action;
      if (action.type === 'query') {
        const target = { location: `${scratch}/${id}`, table: `count_${id}` };
        await d.engine.prepareTarget(target);
        if (action.csv) await d.engine.prepareCsv(action.csv);
        const { queryId } = await d.engine.execute(d.engine.materialize(action.sql, target));
        const rows = await d.engine.outputRows(target, queryId);
        const settled = module.settle?.(n.def, rows) ?? {};
        if (settled.error) throw badRequest(`activity '${id}' would fail: ${settled.error}`);
        for (const o of outs) {
          const schema = plan.outputs[o];
          const active = !settled.inactive?.includes(o);
          carried.set(key(id, o), {
            active,
            population:
              active && schema
                ? population(schema, { location: target.location, table: target.table, output: o, rows: rows[o] ?? 0 })
                : null,
          });
        }
        result.upstream.push({ activity: id, outputs: Object.fromEntries(outs.map((o) => [o, rows[o] ?? 0])) });
      } else if (action.type === 'wait') {
        forward(action.from);
      } else if (action.type === 'atOnce') {
        // Test chooses its branch; an Alert or an End's signal is not sent for a count.
        const acted = await actAtOnce(module, n.def, action, {
          inputs,
          run: { id: runId, campaignId: campaign.id, testMode: true, variables: d.variables ?? {} },
          effects: { notify: async () => {}, signal: undefined },
        });
        forward(acted.forward);
      } else
        throw badRequest(
          `activity '${id}' cannot run: ${action.type === 'unsupported' ? action.reason : 'it has errors'}`,
        );
    }
    const c = carried.get(key(d.activity, output));
    result.rows = c?.active ? (c.population?.rows ?? 0) : 0;
    return result;
  } finally {
    await d.engine.remove(scratch);
  }
}
