/**
 * The compiler: a validated campaign becomes one Step Functions state machine.
 *
 *   Start run -> Run campaign (Parallel: the activity graph) -> Run completed
 *     │ catch       └ catch -> Run failed ──┐
 *     └ Start failed ───────────────────────┴> Campaign failed (Fail)
 *
 * Each activity is a short chain: a gate (Lambda with a task token: honours pause, stop and
 * breakpoints, skips dead paths, plans the SQL) -> for a query, an Athena .sync task (no Lambda
 * waits on a query) -> a record step. Success costs 4 state transitions for a query activity,
 * 1 for flow control. Failures go to a handler that records the error and applies the campaign's
 * error policy: retry transient errors, fail, suspend until resumed, or carry on.
 *
 * The graph becomes nested Parallel states (see graph.ts). Populations never travel in the
 * payload: transitions are recorded in the status store, the payload holds the run context.
 */
import type { Execution, WorkSchema } from '../lambdas/activities/framework.js';
import type { Analysis, ValidNode } from './validate.js';
import {
  ATHENA_RETRY,
  ATHENA_SYNC,
  LAMBDA_CALLBACK,
  LAMBDA_INVOKE,
  LAMBDA_RETRY,
  PLACEHOLDERS,
  type DeploymentNames,
  type State,
  type StateMachineDefinition,
  substituteNames,
} from './asl.js';
import { decompose, type Program } from './graph.js';
import { OrcaError } from '../lambdas/util/errors.js';

export class CompileError extends OrcaError {
  static override readonly errorName = 'CompileError';
  constructor(
    message: string,
    readonly activity: string | null = null,
  ) {
    super(message);
  }
}

export interface Compiled {
  definition: StateMachineDefinition;
  /** Whether the graph had full concurrency (series-parallel). */
  seriesParallel: boolean;
  /** The definition's size as a deployment sends it (see `definitionBytes`). */
  bytes: number;
}

/**
 * Step Functions' limit on a state machine definition: 1 MB ("AWS Step Functions Developer Guide —
 * Quotas": maximum request size, 1 MB per request, which holds the definition).
 */
export const MAX_DEFINITION_BYTES = 1_048_576;

/** The longest a deployment's name can be (a Lambda function ARN: 140 characters). */
const LONGEST_NAMES = Object.fromEntries(Object.keys(PLACEHOLDERS).map((k) => [k, 'x'.repeat(140)])) as DeploymentNames;

/**
 * The size in bytes of a definition as a deployment sends it: UTF-8 JSON with its placeholders
 * replaced by the longest names a deployment can have (a function ARN is longer than its
 * placeholder), so that a definition that fits here fits in every account.
 */
export function definitionBytes(definition: StateMachineDefinition): number {
  return Buffer.byteLength(substituteNames(definition, LONGEST_NAMES), 'utf8');
}

export interface CompileOptions {
  /** Refuse a definition larger than this (default: Step Functions' limit). */
  maxDefinitionBytes?: number;
}

/** What the start step needs to create the run's records. */
export function campaignContext(analysis: Analysis) {
  const c = analysis.campaign;
  return {
    id: c.id,
    label: c.label,
    dimension: c.dimension,
    timezone: c.timezone,
    variables: c.variables,
    errorPolicy: c.errorPolicy,
  };
}

class Scope {
  readonly states: Record<string, State> = {};
  private doneName?: string;
  private abortName?: string;
  constructor(private readonly names: Names) {}

  add(name: string, state: State): string {
    if (this.names.used.has(name)) throw new CompileError(`duplicate state name ${name}`);
    this.names.used.add(name);
    this.states[name] = state;
    return name;
  }

  /** A Succeed state ending this branch, for Choice defaults that end it. */
  done(): string {
    this.doneName ??= this.add(this.names.next('Branch done'), { Type: 'Succeed' });
    return this.doneName;
  }

  abort(): string {
    this.abortName ??= this.add(this.names.next('Abort'), {
      Type: 'Fail',
      Error: 'Orca.ActivityFailed',
      Cause: 'an activity failed and the error policy stops the run; see the run log',
    });
    return this.abortName;
  }
}

class Names {
  readonly used = new Set<string>();
  private n = 0;
  next(prefix: string): string {
    return `${prefix} ${++this.n}`;
  }
}

export function compileCampaign(analysis: Analysis, options: CompileOptions = {}): Compiled {
  const { campaign, nodes } = analysis;
  const runnable = new Map<string, ValidNode>();
  for (const node of nodes.values()) {
    if (node.def.disabled) continue;
    const action = node.valid ? node.plan?.action : undefined;
    if (!node.valid || !action || action.type === 'invalid')
      throw new CompileError(`activity '${node.def.id}' has errors; validate the campaign first`, node.def.id);
    if (action.type === 'unsupported')
      throw new CompileError(
        `activity '${node.def.id}': ${action.reason}; disable it to run the rest of the campaign`,
        node.def.id,
      );
    runnable.set(node.def.id, node);
  }
  const enabled = [...runnable.keys()];
  const enabledSet = new Set(enabled);
  const arcs = [...analysis.transitions.values()]
    .filter((t) => enabledSet.has(t.from) && enabledSet.has(t.to))
    .map((t) => [t.from, t.to] as const);
  const { program, seriesParallel } = decompose(enabled, arcs);

  const names = new Names();
  const schemas = staticSchemas(analysis);

  const emit = (p: Program | null, next: string | undefined, scope: Scope): string | undefined => {
    if (!p) return next;
    if (p.kind === 'activity') {
      const node = runnable.get(p.id)!;
      return emitActivity(node, next, scope, schemas, analysis);
    }
    if (p.kind === 'sequence') {
      let entry = next;
      for (const item of [...p.items].reverse()) entry = emit(item, entry, scope);
      return entry;
    }
    const branches = p.branches.map((b) => {
      const inner = new Scope(names);
      const start = emit(b, undefined, inner)!;
      return { StartAt: start, States: inner.states };
    });
    return scope.add(names.next('Parallel'), {
      Type: 'Parallel',
      Branches: branches,
      ResultPath: null,
      ...continueWith(next),
    });
  };

  const graph = new Scope(names);
  const graphStart = emit(program, undefined, graph) ?? graph.add('Nothing to run', { Type: 'Pass', End: true });

  const top = new Scope(names);
  const execution = {
    'input.$': '$',
    'execution.$': '$$.Execution.Name',
    'executionArn.$': '$$.Execution.Id',
    'startTime.$': '$$.Execution.StartTime',
  };
  top.add('Start run', {
    ...lambda(PLACEHOLDERS.control, {
      step: 'start',
      ...execution,
      campaign: campaignContext(analysis),
      activities: [...nodes.values()].map((n) => ({
        id: n.def.id,
        type: n.def.type,
        ...(n.def.label ? { label: n.def.label } : {}),
        ...(n.def.disabled ? { disabled: true } : {}),
      })),
    }),
    ResultSelector: { 'run.$': '$.Payload' },
    // Equivalent to ResultPath "$", which aws-local-stepfunctions 3.0.0 mishandles (it adds a "$" key).
    ResultPath: '$.start',
    OutputPath: '$.start',
    // A start that failed (after its retries) still ends its run: failed, with the error.
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Start failed' }],
    Next: 'Run campaign',
  });
  top.add('Start failed', {
    ...lambda(PLACEHOLDERS.control, {
      step: 'startFailed',
      ...execution,
      campaign: { id: campaign.id, label: campaign.label },
      'error.$': '$.error',
    }),
    ResultPath: null,
    Next: 'Campaign failed',
  });
  top.add('Run campaign', {
    Type: 'Parallel',
    Branches: [{ StartAt: graphStart, States: graph.states }],
    ResultPath: null,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Run failed' }],
    Next: 'Run completed',
  });
  top.add('Run completed', {
    ...lambda(PLACEHOLDERS.control, { step: 'finalize', 'run.$': '$.run', status: 'completed' }),
    ResultSelector: { 'status.$': '$.Payload.status' },
    ResultPath: '$.final',
    Next: 'Run ended',
  });
  // A run the error policy ended still fails its execution, for alarms on failed executions.
  top.add('Run ended', {
    Type: 'Choice',
    Choices: [{ Variable: '$.final.status', StringEquals: 'completed', Next: 'Campaign done' }],
    Default: 'Campaign failed',
  });
  top.add('Campaign done', { Type: 'Succeed' });
  top.add('Run failed', {
    ...lambda(PLACEHOLDERS.control, { step: 'finalize', 'run.$': '$.run', status: 'failed', 'error.$': '$.error' }),
    ResultPath: null,
    Next: 'Campaign failed',
  });
  top.add('Campaign failed', {
    Type: 'Fail',
    Error: 'Orca.RunFailed',
    Cause: 'the campaign run failed; see the run log',
  });

  const definition: StateMachineDefinition = {
    Comment: `orca campaign ${campaign.id}: ${campaign.label}`,
    StartAt: 'Start run',
    States: top.states,
  };
  const bytes = definitionBytes(definition);
  const max = options.maxDefinitionBytes ?? MAX_DEFINITION_BYTES;
  if (bytes > max)
    throw new CompileError(
      `the compiled state machine of ${runnable.size} activities is ${kb(bytes)}, over Step Functions' limit of ${kb(max)} per definition: split the campaign (an End activity can start another campaign) or remove activities`,
    );
  return { definition, seriesParallel, bytes };
}

const kb = (bytes: number) => (bytes === MAX_DEFINITION_BYTES ? '1 MB' : `${Math.ceil(bytes / 1024)} KB`);

/** A Lambda task (its result comes back). */
const lambda = (fn: string, payload: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: LAMBDA_INVOKE,
  Parameters: { FunctionName: fn, Payload: payload },
  Retry: [LAMBDA_RETRY],
});
/**
 * How long a task that waits for its token (a pause, a breakpoint, a suspended activity) may wait:
 * 364 days, just under a Standard execution's maximum duration of one year ("AWS Step Functions
 * Developer Guide — Service quotas": maximum execution time, 1 year). Without it the runner's
 * default applies (60 s in aws-local-stepfunctions). No HeartbeatSeconds: a paused run sends none.
 */
export const CALLBACK_TIMEOUT_SECONDS = 364 * 86_400;

/** A Lambda task that waits for its task token (the function answers with SendTaskSuccess). */
const callback = (fn: string, payload: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: LAMBDA_CALLBACK,
  Parameters: { FunctionName: fn, Payload: payload },
  TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS,
  Retry: [LAMBDA_RETRY],
});

function continueWith(next: string | undefined): { Next: string } | { End: true } {
  return next ? { Next: next } : { End: true };
}

/** The schema each transition carries, from validation: what an inactive input looks like. */
function staticSchemas(analysis: Analysis): Map<string, WorkSchema | null> {
  const out = new Map<string, WorkSchema | null>();
  for (const t of analysis.transitions.values()) {
    const from = analysis.nodes.get(t.from);
    const schema = from?.valid ? from.plan?.outputs[t.output] : undefined;
    out.set(t.id, schema ?? null);
  }
  return out;
}

interface Work {
  node: ValidNode;
  id: string;
  scope: Scope;
  /** Where an error goes: the activity's failure handler. */
  catchTo: unknown[];
  /** The state after the activity. */
  after: string;
  next: string | undefined;
}

/**
 * The states between an activity's gate and what follows it, one emitter per kind of execution
 * (see `Execution`); each returns the state its gate goes to. The gate answers `done` when it did
 * the activity itself (an at-once activity, a skipped one, Save audience in test mode): each
 * chain's Choice then goes straight on.
 */
const WORK: Record<Execution, (w: Work) => string> = {
  atOnce: (w) => w.after,
  query(w) {
    const { id, scope } = w;
    scope.add(`${id} ?`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'query', Next: `${id} query` }],
      Default: w.after,
    });
    scope.add(`${id} query`, {
      Type: 'Task',
      Resource: ATHENA_SYNC,
      // Athena User Guide: the database the query runs in, and where its results go (the workgroup does not enforce them).
      Parameters: {
        'QueryString.$': '$.step.sql',
        WorkGroup: PLACEHOLDERS.workGroup,
        QueryExecutionContext: { Database: PLACEHOLDERS.database },
        ResultConfiguration: {
          OutputLocation: PLACEHOLDERS.results,
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
      ResultSelector: { 'id.$': '$.QueryExecution.QueryExecutionId', 'statistics.$': '$.QueryExecution.Statistics' },
      ResultPath: '$.step.query',
      Retry: [ATHENA_RETRY],
      Catch: w.catchTo,
      Next: `${id} record`,
    });
    record(w);
    return `${id} ?`;
  },
  wait(w) {
    const { id, scope } = w;
    scope.add(`${id} ?`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'wait', Next: `${id} wait` }],
      Default: w.after,
    });
    const action = w.node.plan?.action;
    const until = action?.type === 'wait' && action.until !== undefined;
    scope.add(`${id} wait`, {
      Type: 'Wait',
      ...(until ? { TimestampPath: '$.step.until' } : { SecondsPath: '$.step.seconds' }),
      Next: `${id} record`,
    });
    record(w);
    return `${id} ?`;
  },
};

/** The record step after an activity's query or wait. */
function record(w: Work): void {
  w.scope.add(`${w.id} record`, {
    ...lambda(PLACEHOLDERS.record, { step: 'record', 'run.$': '$.run', 'gate.$': '$.step' }),
    ResultPath: null,
    Catch: w.catchTo,
    ...continueWith(w.next),
  });
}

function emitActivity(
  node: ValidNode,
  next: string | undefined,
  scope: Scope,
  schemas: Map<string, WorkSchema | null>,
  analysis: Analysis,
): string {
  const id = node.def.id;
  const type = node.def.type;
  const policy = analysis.campaign.errorPolicy;
  const catchTo = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${id} failed` }];
  const after = next ?? scope.done();

  // The schema of an input that did not run, for the modules that plan with it (not those that drop it).
  const inbound = node.inbound.map((t) => ({
    transition: t.id,
    from: t.from,
    output: t.output,
    schema: node.module.dropsInactive ? null : (schemas.get(t.id) ?? null),
  }));
  const outbound = node.outbound.map((t) => ({ transition: t.id, output: t.output, to: t.to }));

  // The gate first (its name is the activity's id, so the work states come after it in the scope).
  const gate = {
    Comment: `${node.module.title}${node.def.label ? `: ${node.def.label}` : ''}`,
    ...callback(PLACEHOLDERS.gate, {
      step: 'gate',
      'token.$': '$$.Task.Token',
      'run.$': '$.run',
      activity: node.def,
      inbound,
      outbound,
    }),
    ResultPath: '$.step',
    Catch: catchTo,
  };
  scope.add(id, gate);
  Object.assign(gate, { Next: WORK[node.module.execution]({ node, id, scope, catchTo, after, next }) });
  // Failure handling: record the error, then retry, suspend, carry on or abort.
  scope.add(`${id} failed`, {
    ...lambda(PLACEHOLDERS.control, {
      step: 'fail',
      'run.$': '$.run',
      activity: { id, type },
      outbound,
      'error.$': '$.error',
    }),
    ResultSelector: { 'decision.$': '$.Payload.decision', 'delay.$': '$.Payload.delay' },
    ResultPath: '$.failure',
    Next: `${id} failed ?`,
  });
  const choices: unknown[] = [
    { Variable: '$.failure.decision', StringEquals: 'retry', Next: `${id} retry` },
    { Variable: '$.failure.decision', StringEquals: 'continue', Next: after },
  ];
  if (policy.onError === 'suspend')
    choices.push({ Variable: '$.failure.decision', StringEquals: 'suspend', Next: `${id} suspended` });
  scope.add(`${id} failed ?`, { Type: 'Choice', Choices: choices, Default: scope.abort() });
  scope.add(`${id} retry`, { Type: 'Wait', SecondsPath: '$.failure.delay', Next: id });
  if (policy.onError === 'suspend') {
    scope.add(`${id} suspended`, {
      ...callback(PLACEHOLDERS.gate, {
        step: 'suspended',
        'token.$': '$$.Task.Token',
        'run.$': '$.run',
        activity: { id, type },
      }),
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: scope.abort() }],
      Next: id,
    });
  }
  return id;
}
