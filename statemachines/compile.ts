/**
 * The compiler: a validated campaign becomes one Step Functions state machine.
 *
 *   Start run -> Run campaign (Parallel: the activity graph) -> Run completed
 *     │ catch       └ catch -> Run failed ──┐
 *     └ Start failed ───────────────────────┴> Campaign failed (Fail)
 *
 * Each activity is a short chain: a gate (Lambda with a task token: honours pause, stop and
 * breakpoints, skips dead paths, plans the SQL) -> for a query, an Athena .sync task (no Lambda
 * waits on a query) -> a record step -> on to the next activity. Success costs 5 state transitions
 * for a query activity, 1 for flow control. Failures go to a handler that records the error and
 * applies the campaign's error policy: retry transient errors, fail, suspend until resumed, or
 * carry on.
 *
 * Size (Step Functions' 1 MB per definition): an activity's own states are its gate (which names
 * it), a Choice for its action and a Pass naming it on failure. Its settings travel once for the
 * whole campaign, compressed, in the Start run state (the plan: see asl.ts), and the query, the
 * record step and the failure handler are shared by the activities of a branch, a Choice on the
 * activity's id going on after them.
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
  type CampaignPlan,
  type DeploymentNames,
  encodePlan,
  type State,
  type StateMachineDefinition,
  substituteNames,
} from './asl.js';
import { decompose, type Program } from './graph.js';
import { ChunkBusy, ChunkContinue, OrcaError } from '../lambdas/util/errors.js';

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

/**
 * Step Functions' limit on what a state receives or sends: 256 KiB ("AWS Step Functions Developer
 * Guide — Quotas": maximum input or output size for a task, state or execution), which bounds the
 * `Start run` state's payload, the campaign's plan included.
 */
export const MAX_PAYLOAD_BYTES = 262_144;

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

/**
 * The states of one branch (the graph's, or a Parallel branch's): state names are unique in the
 * whole machine, states are reachable only from their own branch. What every activity of a branch
 * does the same way is one set of states shared by the branch's activities, created on first use:
 * the query and its record step, the failure handler and the error policy. After a shared state,
 * a Choice on the activity's id (`$.step.activity.id`) goes on to what follows that activity.
 */
class Scope {
  readonly states: Record<string, State> = {};
  /** Each activity of the branch and the state after it, for the dispatch after shared states. */
  private readonly after = new Map<string, string>();
  private readonly n: number;
  private doneName?: string;
  private abortName?: string;
  private queryName?: string;
  private recordName?: string;
  private failedName?: string;
  constructor(
    private readonly names: Names,
    private readonly onError: 'abort' | 'suspend' | 'ignore' = 'abort',
  ) {
    this.n = names.scope();
  }

  add(name: string, state: State): string {
    if (this.names.used.has(name)) throw new CompileError(`duplicate state name ${name}`);
    this.names.used.add(name);
    this.states[name] = state;
    return name;
  }

  /** A state name used inside a state of this branch (a Map's item processor): unique in the machine too. */
  reserve(name: string): string {
    if (this.names.used.has(name)) throw new CompileError(`duplicate state name ${name}`);
    this.names.used.add(name);
    return name;
  }

  /** An activity of this branch, and the state after it. */
  member(id: string, after: string): void {
    this.after.set(id, after);
  }

  /** A Succeed state ending this branch, for Choice defaults that end it. */
  done(): string {
    this.doneName ??= this.add(`Branch done ${this.n}`, { Type: 'Succeed' });
    return this.doneName;
  }

  abort(): string {
    this.abortName ??= this.add(`Abort ${this.n}`, {
      Type: 'Fail',
      Error: 'Orca.ActivityFailed',
      Cause: 'an activity failed and the error policy stops the run; see the run log',
    });
    return this.abortName;
  }

  /** Goes on after the activity in $.step.activity.id (a Choice made by `close`). */
  private goOn(): string {
    return `Go on ${this.n}`;
  }
  /** Runs the activity in $.step.activity.id again, from its gate (a Choice made by `close`). */
  private runAgain(): string {
    return `Run again ${this.n}`;
  }

  /** The branch's Athena query, for the activity whose gate result is in $.step. */
  query(): string {
    if (this.queryName) return this.queryName;
    this.queryName = `Run query ${this.n}`;
    this.add(this.queryName, athenaQuery(this.failed(), this.record()));
    return this.queryName;
  }

  /** The branch's record step after a query or a wait. */
  record(): string {
    if (this.recordName) return this.recordName;
    this.recordName = this.add(`Record ${this.n}`, {
      ...lambda(PLACEHOLDERS.record, { step: 'record', 'run.$': '$.run', 'gate.$': '$.step' }),
      ResultPath: null,
      Catch: [catchTo(this.failed())],
      Next: this.goOn(),
    });
    return this.recordName;
  }

  /**
   * The failure handler for the activity in $.step (its gate result, or what its `failed` state
   * put there): records the error, then the error policy retries, suspends, carries on or aborts.
   */
  failed(): string {
    if (this.failedName) return this.failedName;
    const n = this.n;
    this.failedName = `Failed ${n}`;
    const policy = `Error policy ${n}`;
    this.add(this.failedName, {
      ...lambda(PLACEHOLDERS.control, {
        step: 'fail',
        'run.$': '$.run',
        // Its outbound transitions are in the run's plan.
        'activity.$': '$.step.activity',
        'error.$': '$.error',
      }),
      ResultSelector: { 'decision.$': '$.Payload.decision', 'delay.$': '$.Payload.delay' },
      ResultPath: '$.failure',
      Next: policy,
    });
    const choices: unknown[] = [
      { Variable: '$.failure.decision', StringEquals: 'retry', Next: `Retry ${n}` },
      { Variable: '$.failure.decision', StringEquals: 'continue', Next: this.goOn() },
    ];
    if (this.onError === 'suspend')
      choices.push({ Variable: '$.failure.decision', StringEquals: 'suspend', Next: `Suspended ${n}` });
    this.add(policy, { Type: 'Choice', Choices: choices, Default: this.abort() });
    this.add(`Retry ${n}`, { Type: 'Wait', SecondsPath: '$.failure.delay', Next: this.runAgain() });
    if (this.onError === 'suspend')
      this.add(`Suspended ${n}`, {
        ...callback(PLACEHOLDERS.gate, {
          step: 'suspended',
          'token.$': '$$.Task.Token',
          'run.$': '$.run',
          'activity.$': '$.step.activity',
        }),
        ResultPath: null,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: this.abort() }],
        Next: this.runAgain(),
      });
    return this.failedName;
  }

  /** The dispatches on the activity's id that the shared states used. */
  close(): void {
    const dispatch = (to: (id: string, after: string) => string) => ({
      Type: 'Choice',
      Choices: [...this.after].map(([id, after]) => ({
        Variable: '$.step.activity.id',
        StringEquals: id,
        Next: to(id, after),
      })),
    });
    if (this.recordName || this.failedName)
      this.add(
        this.goOn(),
        dispatch((_, after) => after),
      );
    if (this.failedName)
      this.add(
        this.runAgain(),
        dispatch((id) => id),
      );
  }
}

class Names {
  readonly used = new Set<string>();
  private n = 0;
  private scopes = 0;
  next(prefix: string): string {
    return `${prefix} ${++this.n}`;
  }
  scope(): number {
    return ++this.scopes;
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
  const onError = campaign.errorPolicy.onError;
  const plan: CampaignPlan = {};

  const emit = (p: Program | null, next: string | undefined, scope: Scope): string | undefined => {
    if (!p) return next;
    if (p.kind === 'activity') {
      const node = runnable.get(p.id)!;
      return emitActivity(node, next, scope, schemas, plan, RECURRING_TRIGGERS.includes(campaign.trigger.type));
    }
    if (p.kind === 'sequence') {
      let entry = next;
      for (const item of [...p.items].reverse()) entry = emit(item, entry, scope);
      return entry;
    }
    const branches = p.branches.map((b) => {
      const inner = new Scope(names, onError);
      const start = emit(b, undefined, inner)!;
      inner.close();
      return { StartAt: start, States: inner.states };
    });
    return scope.add(names.next('Parallel'), {
      Type: 'Parallel',
      Branches: branches,
      ResultPath: null,
      ...continueWith(next),
    });
  };

  const graph = new Scope(names, onError);
  const graphStart = emit(program, undefined, graph) ?? graph.add('Nothing to run', { Type: 'Pass', End: true });
  graph.close();

  const top = new Scope(names);
  const execution = {
    'input.$': '$',
    'execution.$': '$$.Execution.Name',
    'executionArn.$': '$$.Execution.Id',
    'startTime.$': '$$.Execution.StartTime',
  };
  const startPayload = {
    step: 'start',
    ...execution,
    campaign: campaignContext(analysis),
    activities: [...nodes.values()].map((n) => ({
      id: n.def.id,
      type: n.def.type,
      ...(n.def.label ? { label: n.def.label } : {}),
      ...(n.def.disabled ? { disabled: true } : {}),
    })),
    // The activities' settings, once for the whole run (the start step records them for the gates).
    plan: encodePlan(plan),
  };
  const startBytes = Buffer.byteLength(JSON.stringify(startPayload), 'utf8');
  if (startBytes > MAX_PAYLOAD_BYTES)
    throw new CompileError(
      `the settings of the campaign's ${runnable.size} activities are ${kb(startBytes)} compressed, over Step Functions' limit of 256 KB per state input: split the campaign (an End activity can start another campaign) or remove activities`,
    );
  top.add('Start run', {
    ...lambda(PLACEHOLDERS.control, startPayload),
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

/** The Athena query of the statement in $.step.sql (.sync), its id and statistics into $.step.query. */
const athenaQuery = (failed: string, next: string): State => ({
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
  Catch: [catchTo(failed)],
  Next: next,
});

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
  /** The state after the activity. */
  after: string;
  /** The campaign's trigger repeats (daily, weekly, monthly, interval): its sends need no confirmation. */
  recurring: boolean;
}

/** Triggers that start the campaign again and again. */
export const RECURRING_TRIGGERS: readonly string[] = ['daily', 'weekly', 'monthly', 'interval'];

/**
 * The states between an activity's gate and what follows it, one emitter per kind of execution
 * (see `Execution`); each returns the state its gate goes to. The gate answers `done` when it did
 * the activity itself (an at-once activity, a skipped one, Save audience in test mode): each
 * chain's Choice then goes straight on. The query and the record step are the branch's shared ones.
 */
const WORK: Record<Execution, (w: Work) => string> = {
  atOnce: (w) => w.after,
  query(w) {
    const { id, scope } = w;
    return scope.add(`${id} ?`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'query', Next: scope.query() }],
      Default: w.after,
    });
  },
  wait(w) {
    const { id, scope } = w;
    const action = w.node.plan?.action;
    const until = action?.type === 'wait' && action.until !== undefined;
    scope.add(`${id} ?`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'wait', Next: `${id} wait` }],
      Default: w.after,
    });
    scope.add(`${id} wait`, {
      Type: 'Wait',
      ...(until ? { TimestampPath: '$.step.until' } : { SecondsPath: '$.step.seconds' }),
      Next: scope.record(),
    });
    return `${id} ?`;
  },
  /**
   * A channel activity (see lambdas/orchestrator/send.ts for the steps): prepare (the message table,
   * .sync) -> prepared (counts, manifest: $.send = { chunks, confirm }) -> confirm (a callback, when
   * $.send.confirm) -> send (an inline Map over $.send.chunks, one chunk sender each) -> sent (the
   * counts; $.step becomes the output query) -> the branch's shared query and record.
   */
  send(w) {
    const { id, scope, node } = w;
    const failed = scope.failed();
    const catchAll = [catchTo(failed)];
    const throttle = (node.def as { throttle?: { perSecond?: number } }).throttle;
    scope.add(`${id} ?`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'send', Next: `${id} prepare` }],
      Default: w.after,
    });
    scope.add(`${id} prepare`, athenaQuery(failed, `${id} prepared`));
    scope.add(`${id} prepared`, {
      // A campaign that does not repeat waits for a confirmation, unless the activity says not to.
      ...lambda(PLACEHOLDERS.control, {
        step: 'prepared',
        'run.$': '$.run',
        'gate.$': '$.step',
        confirm: !w.recurring && !(node.def as { sendWithoutConfirmation?: boolean }).sendWithoutConfirmation,
      }),
      ResultSelector: { 'chunks.$': '$.Payload.chunks', 'confirm.$': '$.Payload.confirm', 'rows.$': '$.Payload.rows' },
      ResultPath: '$.send',
      Catch: catchAll,
      Next: `${id} confirm ?`,
    });
    scope.add(`${id} confirm ?`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.send.confirm', BooleanEquals: true, Next: `${id} confirm` }],
      Default: `${id} send`,
    });
    scope.add(`${id} confirm`, {
      ...callback(PLACEHOLDERS.gate, { step: 'confirm', 'token.$': '$$.Task.Token', 'run.$': '$.run', activity: id }),
      ResultPath: null,
      Catch: catchAll,
      Next: `${id} send`,
    });
    const chunk = scope.reserve(`${id} chunk`);
    scope.add(`${id} send`, {
      Type: 'Map',
      ItemsPath: '$.send.chunks',
      ItemSelector: { 'run.$': '$.run', 'location.$': '$.step.target.location', 'chunk.$': '$$.Map.Item.Value' },
      MaxConcurrency: sendConcurrency(throttle?.perSecond),
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: chunk,
        States: {
          [chunk]: {
            ...lambda(PLACEHOLDERS.send, {
              step: 'chunk',
              'run.$': '$.run',
              activity: id,
              'location.$': '$.location',
              'chunk.$': '$.chunk',
            }),
            Retry: CHUNK_RETRY,
            ResultPath: null,
            End: true,
          },
        },
      },
      ResultPath: null,
      Catch: catchAll,
      Next: `${id} sent`,
    });
    scope.add(`${id} sent`, {
      ...lambda(PLACEHOLDERS.record, { step: 'sent', 'run.$': '$.run', 'gate.$': '$.step', 'send.$': '$.send' }),
      // $.step becomes the output query's gate result (every field of it is always there).
      ResultSelector: Object.fromEntries(SENT_FIELDS.map((f) => [`${f}.$`, `$.Payload.${f}`])),
      ResultPath: '$.step',
      Catch: catchAll,
      Next: scope.query(),
    });
    return `${id} ?`;
  },
};

/**
 * How many chunks of a channel activity are sent at once (the send Map's MaxConcurrency, static):
 * c = clamp(floor(perSecond x 600 / 5,000), 1, 40). The activity's rate is shared by its chunks, so
 * each sends at perSecond / c >= 5,000 / 600 messages a second and a chunk of 5,000 (the smallest;
 * see lambdas/channels/prepare.ts for the chunk size) lasts at most 600 s = 10 min, well within
 * Lambda's 15: at 100/s, c = 12 and a chunk sends at 8.3/s for 600 s. 40 is the most chunk
 * senders a send runs at once (each holds a Lambda; Map's own inline limit is 40 iterations in
 * parallel: "AWS Step Functions Developer Guide — Map state, inline mode"). Without a throttle the
 * provider's quota sets the pace and 40 senders share it.
 */
export const CHUNK_SECONDS = 600;
/** The fields of the `sent` step's result: a query gate result (lambdas/orchestrator/types.ts). */
const SENT_FIELDS = [
  'action',
  'sql',
  'select',
  'target',
  'activity',
  'outbound',
  'outputs',
  'startedAt',
  'resetErrors',
];
export const MIN_CHUNK_ROWS = 5_000;
export const MAX_SEND_CONCURRENCY = 40;
export function sendConcurrency(perSecond: number | undefined): number {
  if (perSecond === undefined) return MAX_SEND_CONCURRENCY;
  return Math.min(MAX_SEND_CONCURRENCY, Math.max(1, Math.floor((perSecond * CHUNK_SECONDS) / MIN_CHUNK_ROWS)));
}

/**
 * A chunk sender's retries: `Orca.ChunkContinue` (it stopped before its time budget with messages
 * left: the next attempt goes on where it stopped, at once, as many times as the chunk needs);
 * `Orca.ChunkBusy` (another attempt still holds the chunk's lease: wait for it to end or expire);
 * then the Lambda service's errors (LAMBDA_RETRY).
 */
export const CHUNK_RETRY = [
  { ErrorEquals: [ChunkContinue.errorName], IntervalSeconds: 1, MaxAttempts: 1000, BackoffRate: 1 },
  {
    ErrorEquals: [ChunkBusy.errorName],
    IntervalSeconds: 30,
    MaxAttempts: 10,
    BackoffRate: 1.5,
    MaxDelaySeconds: 300,
    JitterStrategy: 'FULL',
  },
  LAMBDA_RETRY,
];

/** Where a state's errors go: the state's input, with the error in $.error, goes to `next`. */
const catchTo = (next: string) => ({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next });

function emitActivity(
  node: ValidNode,
  next: string | undefined,
  scope: Scope,
  schemas: Map<string, WorkSchema | null>,
  plan: CampaignPlan,
  recurring: boolean,
): string {
  const id = node.def.id;
  const after = next ?? scope.done();
  scope.member(id, after);

  // The schema of an input that did not run, for the modules that plan with it (not those that drop it).
  const inbound = node.inbound.map((t) => ({
    transition: t.id,
    from: t.from,
    output: t.output,
    schema: node.module.dropsInactive ? null : (schemas.get(t.id) ?? null),
  }));
  const outbound = node.outbound.map((t) => ({ transition: t.id, output: t.output, to: t.to }));
  plan[id] = { activity: node.def, inbound, outbound };

  // The gate first (its name is the activity's id, so the work states come after it in the scope).
  // It gets the activity's id; its settings are in the run's plan.
  const gate = {
    Comment: node.module.title,
    ...callback(PLACEHOLDERS.gate, { step: 'gate', 'token.$': '$$.Task.Token', 'run.$': '$.run', activity: id }),
    ResultPath: '$.step',
    Catch: [catchTo(`${id} failed`)],
  };
  scope.add(id, gate);
  Object.assign(gate, { Next: WORK[node.module.execution]({ node, id, scope, after, recurring }) });
  // A gate that failed left no result: say which activity it was, for the branch's failure handler.
  scope.add(`${id} failed`, {
    Type: 'Pass',
    Result: { activity: { id } },
    ResultPath: '$.step',
    Next: scope.failed(),
  });
  return id;
}
