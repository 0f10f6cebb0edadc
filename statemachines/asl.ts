/**
 * The pieces of Amazon States Language orca emits, and the names of the deployment-specific values
 * left as ${placeholders} (CloudFormation definition substitutions in the cloud; unused locally,
 * where each Task is served in-process). JSONPath only: no JSONata, no Assign, no Distributed Map.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ActivityDef } from '../lambdas/activities/index.js';
import type { WorkSchema } from '../lambdas/activities/framework.js';
import { retryableNames, STATE_MACHINE_ERRORS } from '../lambdas/util/errors.js';

export type State = Record<string, unknown> & { Type: string };
export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
}

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} substitutions, not JS templates
export const PLACEHOLDERS = {
  control: '${ControlFunction}',
  gate: '${GateFunction}',
  record: '${RecordFunction}',
  /** The chunk senders of channel activities (only machines with a channel activity use it). */
  send: '${SendFunction}',
  workGroup: '${AthenaWorkGroup}',
  database: '${AthenaDatabase}',
  results: '${AthenaResults}',
} as const;
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} substitutions, not JS templates

/**
 * A deployment's names for the placeholders. `send` may be absent where the deployment has no send
 * function yet: a machine with a channel activity then keeps its `${SendFunction}` unsubstituted,
 * which the deployment refuses, while every other machine deploys as before.
 */
export type DeploymentNames = Record<Exclude<keyof typeof PLACEHOLDERS, 'send'>, string> & { send?: string };

function named(names: DeploymentNames): Array<[placeholder: string, name: string]> {
  return Object.entries(PLACEHOLDERS).flatMap(([k, p]) => {
    const name = names[k as keyof DeploymentNames];
    return name === undefined ? [] : [[p, name] as [string, string]];
  });
}

/** CloudFormation definition substitutions for a deployment's names ({ ControlFunction: arn, ... }). */
export function definitionSubstitutions(names: DeploymentNames): Record<string, string> {
  return Object.fromEntries(named(names).map(([p, name]) => [p.slice(2, -1), name]));
}

/** The definition with a deployment's names filled in, as CloudFormation would. */
export function substituteNames(definition: StateMachineDefinition, names: DeploymentNames): string {
  let text = JSON.stringify(definition);
  for (const [p, name] of named(names)) text = text.replaceAll(p, name);
  return text;
}

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
export const ATHENA_SYNC = 'arn:aws:states:::athena:startQueryExecution.sync';

/**
 * Retries for Lambda invocations that failed for reasons of the service, not of orca, and for
 * orca's own retryable errors (named by their classes). The service's names are those of "AWS Step
 * Functions Developer Guide — Handle Lambda service exceptions" (the 500s: ClientExecutionTimeout,
 * Service, AWSLambda and SdkClient exceptions) and its TooManyRequestsException (the invocation
 * limit). `Lambda.Unknown` (an unhandled error: the function ran out of time or memory) is left
 * out on purpose: invoking the same function again at once mostly runs out again; the failure
 * handler treats it as transient, so the error policy retries it with its delay and its limit.
 */
export const LAMBDA_RETRY = {
  ErrorEquals: [
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
    ...retryableNames(STATE_MACHINE_ERRORS),
  ],
  IntervalSeconds: 1,
  MaxAttempts: 5,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

/**
 * Query submissions the service refused for its own reasons ("Amazon Athena API Reference —
 * StartQueryExecution, Errors": TooManyRequestsException, the request was throttled;
 * InternalServerException, a platform issue that may be transient). Athena has no
 * ThrottlingException; InvalidRequestException is the query's fault and is not retried.
 */
export const ATHENA_RETRY = {
  ErrorEquals: ['Athena.TooManyRequestsException', 'Athena.InternalServerException'],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};

/** Walks every state of a definition, Parallel branches and Map item processors included. */
export function* allStates(def: { States: Record<string, State> }): Generator<[string, State]> {
  for (const [name, state] of Object.entries(def.States)) {
    yield [name, state];
    if (state.Type === 'Parallel')
      for (const b of state.Branches as Array<{ States: Record<string, State> }>) yield* allStates(b);
    if (state.Type === 'Map') yield* allStates(state.ItemProcessor as { States: Record<string, State> });
  }
}

/**
 * The states an activity goes through when it succeeds: from its gate, following each Choice's
 * branch for this activity (the first: its action; in a scope's shared dispatch, the one naming
 * it), through the scope's shared query and record states, until the next activity's gate, a
 * Parallel or the end of the branch. Its length is what the activity costs in state transitions.
 */
export function successPath(definition: { States: Record<string, State> }, activityId: string): string[] {
  const states = Object.fromEntries(allStates(definition));
  const path: string[] = [];
  let name: string | undefined = activityId;
  while (name && states[name] && !path.includes(name)) {
    const s: State = states[name]!;
    if (path.length > 0 && (isGate(s) || s.Type === 'Parallel' || s.Type === 'Succeed' || s.Type === 'Fail')) break;
    path.push(name);
    if (s.Type === 'Choice') {
      const choices = s.Choices as Array<{ StringEquals?: string; Next: string }>;
      name = (choices.find((c) => c.StringEquals === activityId) ?? choices[0])?.Next;
    } else name = s.Next as string | undefined;
  }
  return path;
}

const isGate = (s: State) =>
  s.Type === 'Task' && (s.Parameters as { Payload?: { step?: string } } | undefined)?.Payload?.step === 'gate';

/**
 * An activity's settings as validation left them: its definition, its inbound transitions with the
 * schema each has when it did not run, its outbound transitions. They do not sit in each state:
 * the whole campaign's travel once, compressed, in the `Start run` state (see `encodePlan`), which
 * records them with the run; the gate reads them from there.
 */
export interface PlanEntry {
  activity: ActivityDef;
  inbound: Array<{ transition: string; from: string; output: string; schema: WorkSchema | null }>;
  outbound: Array<{ transition: string; output: string; to: string }>;
}
export type CampaignPlan = Record<string, PlanEntry>;

/** The campaign's plan as one string: gzip-compressed JSON in base64 (settings repeat a lot). */
export function encodePlan(plan: CampaignPlan): string {
  return gzipSync(JSON.stringify(plan), { level: 9 }).toString('base64');
}

export function decodePlan(text: string): CampaignPlan {
  return JSON.parse(gunzipSync(Buffer.from(text, 'base64')).toString('utf8')) as CampaignPlan;
}
