/**
 * Validation of a campaign against the catalog: the file's structure, each activity's settings,
 * the graph (ids, transitions, outputs, inbound counts, cycles, reachability) and, activity by
 * activity in graph order, the queries and the populations flowing between them. Errors block
 * publishing; warnings do not. Every finding names the activity, the field path and what to do.
 */
import type { Catalog } from '../lambdas/catalog/catalog.js';
import { ACTIVITIES } from '../lambdas/activities/index.js';
import type { Input, Plan, WorkSchema } from '../lambdas/activities/framework.js';
import type { AnyActivityModule } from '../lambdas/activities/index.js';
import { DuckDbDialect, type Dialect } from '../lambdas/sql/dialect.js';
import { Findings, didYouMean, type Issue } from '../lambdas/util/issues.js';
import { reportZodIssues } from '../lambdas/util/zod-issues.js';
import {
  nestingExceeds,
  nestingMessage,
  prototypeKeyPath,
  unsafeNumberMessage,
  unsafeNumberPath,
} from '../lambdas/util/depth.js';
import { isValidTimeZone } from '../lambdas/query/time.js';
import { literalProblem } from '../lambdas/sql/literal.js';
import { workLocation, workTableName } from '../lambdas/layout.js';
import { planActivity } from '../lambdas/planner.js';
import { population } from '../lambdas/sql/population.js';
import { minimumGapMinutes, scheduleOf } from './schedule.js';
import {
  CAMPAIGN_FIELDS,
  campaignEnvelopeSchema,
  transitionId,
  type ActivityDef,
  type Campaign,
  type TransitionDef,
} from './campaign.js';

interface NodeBase {
  /** Position in the file's activities array. */
  index: number;
  inbound: TransitionDef[];
  outbound: TransitionDef[];
}

/** An activity whose settings passed its module's schema. */
export interface ValidNode extends NodeBase {
  valid: true;
  def: ActivityDef;
  module: AnyActivityModule;
  /** The activity's plan with placeholder inputs; absent when it could not be analysed. */
  plan?: Plan | undefined;
}

/**
 * An activity whose settings failed their schema (checked for structure only), or whose type is
 * unknown (no module: it accepts any transition, so that its transitions do not cascade into errors).
 */
export interface InvalidNode extends NodeBase {
  valid: false;
  def: RawActivity;
  module: AnyActivityModule | undefined;
}

export type ActivityNode = ValidNode | InvalidNode;

/** What the file says of an activity that could not be parsed. */
export interface RawActivity {
  id: string;
  type: string;
  label?: string;
  disabled?: boolean;
}

function rawActivity(id: string, a: Record<string, unknown>): RawActivity {
  return {
    id,
    type: typeof a.type === 'string' ? a.type : 'unknown',
    ...(typeof a.label === 'string' ? { label: a.label } : {}),
    ...(a.disabled === true ? { disabled: true } : {}),
  };
}

export interface Analysis {
  campaign: Campaign;
  nodes: Map<string, ActivityNode>;
  /** Activity ids in a topological order. */
  order: string[];
  transitions: Map<string, TransitionDef>;
}

export interface ValidationResult {
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
  /** Present when the structure could be read (even with errors elsewhere). */
  analysis?: Analysis | undefined;
}

export interface ValidateOptions {
  /** Dialect of the SQL compiled along the way (the code view); DuckDB by default. */
  dialect?: Dialect;
  /** Clock for relative dates in the compiled SQL. */
  now?: Date;
}

/**
 * The most activities a campaign may have: what the hosted service allows. Its state machine must
 * also fit Step Functions' 1 MB definition limit, which the compiler checks (see compile.ts).
 */
export const MAX_ACTIVITIES = 500;

export function validateCampaign(doc: unknown, catalog: Catalog, options: ValidateOptions = {}): ValidationResult {
  const findings = new Findings();
  const result = (analysis?: Analysis): ValidationResult => ({
    valid: findings.errors.length === 0,
    errors: findings.errors,
    warnings: findings.warnings,
    analysis,
  });

  // Before the schemas and walkers below recurse into it.
  if (nestingExceeds(doc)) {
    findings.error(null, [], nestingMessage());
    return result();
  }
  const bigNumber = unsafeNumberPath(doc);
  if (bigNumber) {
    let value: unknown = doc;
    for (const k of bigNumber) value = (value as Record<string | number, unknown>)[k];
    findings.error(activityAt(doc, bigNumber), bigNumber, unsafeNumberMessage(value));
    return result();
  }
  const protoKey = prototypeKeyPath(doc);
  if (protoKey) {
    findings.error(
      activityAt(doc, protoKey),
      protoKey,
      "'__proto__' cannot be a field name: names are plain data; rename or remove it",
    );
    return result();
  }
  const envelope = campaignEnvelopeSchema.safeParse(doc);
  if (!envelope.success) {
    reportZodIssues(envelope.error, findings.at(null, []), (path) => (path.length === 0 ? CAMPAIGN_FIELDS : undefined));
    // Carry on with the activities when they could be read, to list their problems too.
    if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { activities?: unknown }).activities))
      return result();
  }
  const raw = (envelope.success ? envelope.data : doc) as Campaign & { activities: Array<Record<string, unknown>> };
  if (raw.activities.length > MAX_ACTIVITIES)
    findings
      .at(null, ['activities'])
      .error(
        [],
        `a campaign has at most ${MAX_ACTIVITIES} activities (this one has ${raw.activities.length}): its state machine must fit Step Functions' 1 MB definition limit; split it (an End activity can start another campaign)`,
      );

  // Activities, one by one, against their type's module.
  const nodes = new Map<string, ActivityNode>();
  for (const [index, a] of raw.activities.entries()) {
    const id = typeof a?.id === 'string' ? a.id : null;
    const report = findings.at(id, ['activities', index]);
    if (!a || typeof a !== 'object') {
      report.error([], 'an activity must be an object with an id and a type');
      continue;
    }
    const module = typeof a.type === 'string' ? ACTIVITIES.get(a.type) : undefined;
    if (!module) {
      report.error(
        ['type'],
        a.type === undefined
          ? `is required: one of ${[...ACTIVITIES.keys()].join(', ')}`
          : `unknown activity type '${String(a.type)}'.${didYouMean(String(a.type), ACTIVITIES.keys())} Types: ${[...ACTIVITIES.keys()].join(', ')}`,
      );
      // Kept in the graph as an unknown node, so that its transitions do not cascade into more errors.
      if (id !== null && !nodes.has(id))
        nodes.set(id, { def: rawActivity(id, a), module: undefined, index, inbound: [], outbound: [], valid: false });
      continue;
    }
    const parsed = module.schema.safeParse(a);
    if (!parsed.success) {
      reportZodIssues(parsed.error, report, (path) =>
        path.length === 0 ? Object.keys(module.schema.shape) : undefined,
      );
      if (id === null) continue;
    }
    if (id === null) continue;
    if (nodes.has(id)) {
      report.error(['id'], `duplicate activity id '${id}'`);
      continue;
    }
    const base = { module, index, inbound: [], outbound: [] };
    nodes.set(
      id,
      parsed.success ? { ...base, def: parsed.data, valid: true } : { ...base, def: rawActivity(id, a), valid: false },
    );
  }
  if (!envelope.success) return result();
  const campaign = raw as Campaign;

  if (!isValidTimeZone(campaign.timezone))
    findings.error(
      null,
      ['timezone'],
      `unknown time zone '${campaign.timezone}'; use an IANA name such as Europe/Paris or America/New_York`,
    );
  if (!catalog.table(campaign.dimension))
    findings.error(
      null,
      ['dimension'],
      `unknown table '${campaign.dimension}'; the catalog has: ${catalog.tableNames.join(', ')}`,
    );
  for (const [name, v] of Object.entries(campaign.variables)) {
    if (v.default !== undefined) {
      const problem = literalProblem(v.default, v.type);
      if (problem) findings.error(null, ['variables', name, 'default'], problem);
    }
  }
  checkTrigger(campaign, findings);

  // Transitions.
  const transitions = new Map<string, TransitionDef>();
  for (const [i, t] of campaign.transitions.entries()) {
    const id = transitionId(t);
    const at = ['transitions', i];
    const from = nodes.get(t.from);
    const to = nodes.get(t.to);
    if (transitions.has(id)) {
      findings.error(
        null,
        [...at, 'id'],
        `duplicate transition id '${id}'${t.id ? '' : ' (generated from from/to; give the transitions distinct ids)'}`,
      );
      continue;
    }
    if (!from) {
      findings.error(
        null,
        [...at, 'from'],
        `transition '${id}' comes from unknown activity '${t.from}'.${didYouMean(t.from, nodes.keys())}`,
      );
      continue;
    }
    if (!to) {
      findings.error(
        t.from,
        [...at, 'to'],
        `transition '${id}' goes to nowhere: there is no activity '${t.to}'.${didYouMean(t.to, nodes.keys())}`,
      );
      continue;
    }
    if (from.valid) {
      const outputs = from.module.outputs(from.def);
      if (!outputs.includes(t.output)) {
        findings.error(
          t.from,
          [...at, 'output'],
          outputs.length
            ? `${from.module.title} '${t.from}' has no output '${t.output}'; its outputs: ${outputs.join(', ')}`
            : `${from.module.title} '${t.from}' has no outputs; it ends its branch`,
        );
        continue;
      }
    }
    if (t.from === t.to) {
      findings.error(t.from, at, `transition '${id}' loops back to its own activity`);
      continue;
    }
    const def = { ...t, id };
    transitions.set(id, def);
    from.outbound.push(def);
    to.inbound.push(def);
  }

  // Inbound counts, fan-out and outputs going nowhere.
  const audiences = new Map<string, string>();
  for (const [id, n] of nodes) {
    const at = ['activities', n.index];
    if (!n.module) continue;
    const { min, max } = n.module.inbound;
    if (n.inbound.length < min) {
      findings.error(
        id,
        at,
        min === 1
          ? `${n.module.title} needs an inbound transition`
          : `${n.module.title} needs at least ${min} inbound transitions, it has ${n.inbound.length}`,
      );
    } else if (n.inbound.length > max) {
      findings.error(
        id,
        at,
        max <= 1
          ? `${n.module.title} takes ${max === 0 ? 'no' : 'one'} inbound transition, it has ${n.inbound.length}; combine populations with a Combine or an And-join first`
          : `${n.module.title} takes at most ${max} inbound transitions`,
      );
    }
    if (!n.valid) continue;
    const byOutput = new Map<string, number>();
    for (const t of n.outbound) byOutput.set(t.output, (byOutput.get(t.output) ?? 0) + 1);
    for (const [output, count] of byOutput) {
      if (count > 1 && !n.module.fanOut)
        findings.error(
          id,
          at,
          `output '${output}' has ${count} transitions; to start parallel branches with the same population, add a Fork`,
        );
    }
    for (const output of n.module.outputs(n.def)) {
      if (!byOutput.has(output) && output !== 'rejects')
        findings.warn(
          id,
          at,
          `output '${output}' goes nowhere: its population is computed and not used (add a transition, or an End)`,
        );
    }
    if (n.def.type === 'saveAudience') {
      const name = n.def.audience;
      if (audiences.has(name))
        findings.error(
          id,
          [...at, 'audience'],
          `activity '${audiences.get(name)}' also saves audience '${name}'; audience names are unique`,
        );
      audiences.set(name, id);
    }
  }

  // Cycles and reachability.
  const order = topologicalOrder(nodes, findings);
  const entries = [...nodes.values()].filter((n) => n.inbound.length === 0 && (n.module?.inbound.min ?? 0) === 0);
  if (entries.length === 0 && nodes.size)
    findings.error(
      null,
      ['activities'],
      'the campaign has no entry activity (an activity with no inbound transition, such as Build audience)',
    );
  const reached = new Set<string>();
  const stack = entries.map((n) => n.def.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const t of nodes.get(id)!.outbound) stack.push(t.to);
  }
  for (const [id, n] of nodes) {
    if (!reached.has(id) && n.inbound.length > 0)
      findings.error(id, ['activities', n.index], `'${id}' is unreachable from any entry activity`);
  }

  const analysis: Analysis = { campaign, nodes, order: order ?? [], transitions };
  if (order) analyse(analysis, catalog, findings, options);
  return result(analysis);
}

/** The id of the activity a path of the document is in, if any. */
function activityAt(doc: unknown, path: Array<string | number>): string | null {
  const activities = (doc as { activities?: unknown }).activities;
  const id =
    path[0] === 'activities' && Array.isArray(activities) && typeof path[1] === 'number'
      ? (activities[path[1]] as { id?: unknown } | undefined)?.id
      : undefined;
  return typeof id === 'string' ? id : null;
}

function topologicalOrder(nodes: Map<string, ActivityNode>, findings: Findings): string[] | undefined {
  // Depth-first, with a stack of its own (a chain of thousands of activities is no deeper for it).
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  let cyclic = false;
  for (const root of nodes.keys()) {
    if (state.has(root)) continue;
    state.set(root, 'visiting');
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const outbound = nodes.get(top.id)!.outbound;
      if (top.next >= outbound.length) {
        stack.pop();
        state.set(top.id, 'done');
        order.push(top.id);
        continue;
      }
      const to = outbound[top.next++]!.to;
      const s = state.get(to);
      if (s === 'done') continue;
      if (s === 'visiting') {
        const path = stack.map((f) => f.id);
        const cycle = [...path.slice(path.indexOf(to)), to];
        findings.error(
          to,
          ['activities', nodes.get(to)!.index],
          `cycle: ${cycle.join(' -> ')}; a campaign is a graph without loops`,
        );
        cyclic = true;
        continue;
      }
      state.set(to, 'visiting');
      stack.push({ id: to, next: 0 });
    }
  }
  return cyclic ? undefined : order.reverse();
}

/** Plans every activity in graph order with placeholder inputs, propagating output schemas. */
function analyse(analysis: Analysis, catalog: Catalog, findings: Findings, options: ValidateOptions): void {
  const { campaign, nodes } = analysis;
  if (!catalog.table(campaign.dimension)) return;
  const schemas = new Map<string, WorkSchema | null | undefined>();
  const dialect = options.dialect ?? new DuckDbDialect('.');
  for (const id of analysis.order) {
    const node = nodes.get(id)!;
    if (!node.valid) continue;
    const inputs: Input[] = [];
    let unknown = false;
    for (const t of node.inbound) {
      const schema = schemas.get(`${t.from}\u0000${t.output}`);
      if (schema === undefined) unknown = true;
      inputs.push({
        transition: t.id,
        from: t.from,
        output: t.output,
        schema: schema ?? null,
        ref: schema
          ? population(schema, {
              location: workLocation(campaign.id, 'RUN', t.from),
              table: workTableName(campaign.id, 'RUN', t.from),
              output: t.output,
              rows: -1,
            })
          : null,
      });
    }
    // An input whose source could not be analysed: skip, rather than cascade errors.
    if (unknown && node.module.usesPopulation) continue;
    const plan = planActivity({
      catalog,
      dialect,
      campaign,
      activity: node.def,
      inputs,
      now: options.now ?? new Date(),
      report: findings.at(id, ['activities', node.index]),
    });
    node.plan = plan;
    for (const [output, schema] of Object.entries(plan.outputs)) schemas.set(`${id}\u0000${output}`, schema);
    if (plan.action.type === 'unsupported')
      findings.warn(
        id,
        ['activities', node.index, 'type'],
        `${plan.action.reason}: the campaign validates but cannot run`,
      );
  }
}

function checkTrigger(campaign: Campaign, findings: Findings): void {
  const t = campaign.trigger;
  if ('timezone' in t && t.timezone && !isValidTimeZone(t.timezone)) {
    findings.error(null, ['trigger', 'timezone'], `unknown time zone '${t.timezone}'`);
    return;
  }
  if (t.type === 'daily' && new Set(t.hours).size !== t.hours.length)
    findings.error(null, ['trigger', 'hours'], 'an hour is listed twice');
  if ('from' in t && 'until' in t && t.from && t.until && t.from > t.until)
    findings.error(null, ['trigger', 'until'], 'the validity window ends before it starts');
  if (!isValidTimeZone(campaign.timezone) || findings.errors.length) return;
  const spec = scheduleOf(t, campaign.timezone);
  // Only an interval trigger (a rate) can fire within 15 minutes: the others' cron expressions have
  // one minute per hour. Their launches are not computed here (each costs about a millisecond).
  const gap = spec && t.type === 'interval' ? minimumGapMinutes(spec) : undefined;
  if (gap !== undefined && gap < 15) {
    findings.warn(
      null,
      ['trigger'],
      `runs every ${gap} minute(s): more often than every 15 minutes is discouraged (runs may overlap and cost adds up)`,
    );
  }
}
