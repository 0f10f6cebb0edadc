/**
 * The pieces of Amazon States Language orca emits, and the names of the deployment-specific values
 * left as ${placeholders} (CloudFormation definition substitutions in the cloud; unused locally,
 * where each Task is served in-process). JSONPath only: no JSONata, no Assign, no Distributed Map.
 */
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
  workGroup: '${AthenaWorkGroup}',
  database: '${AthenaDatabase}',
  results: '${AthenaResults}',
} as const;
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} substitutions, not JS templates

export type DeploymentNames = Record<keyof typeof PLACEHOLDERS, string>;

/** CloudFormation definition substitutions for a deployment's names ({ ControlFunction: arn, ... }). */
export function definitionSubstitutions(names: DeploymentNames): Record<string, string> {
  return Object.fromEntries(
    Object.entries(PLACEHOLDERS).map(([k, p]) => [p.slice(2, -1), names[k as keyof DeploymentNames]]),
  );
}

/** The definition with a deployment's names filled in, as CloudFormation would. */
export function substituteNames(definition: StateMachineDefinition, names: DeploymentNames): string {
  let text = JSON.stringify(definition);
  for (const [k, p] of Object.entries(PLACEHOLDERS)) text = text.replaceAll(p, names[k as keyof DeploymentNames]);
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

/** Walks every state of a definition, Parallel branches included. */
export function* allStates(def: { States: Record<string, State> }): Generator<[string, State]> {
  for (const [name, state] of Object.entries(def.States)) {
    yield [name, state];
    if (state.Type === 'Parallel')
      for (const b of state.Branches as Array<{ States: Record<string, State> }>) yield* allStates(b);
  }
}

/**
 * The states an activity goes through when it succeeds: from its gate, following each Choice's
 * first branch (the activity's action), until the next activity. Its length is what the activity
 * costs in state transitions.
 */
export function successPath(definition: { States: Record<string, State> }, activityId: string): string[] {
  const states = Object.fromEntries(allStates(definition));
  const path: string[] = [];
  let name: string | undefined = activityId;
  while (name && (name === activityId || name.startsWith(`${activityId} `)) && states[name] && !path.includes(name)) {
    path.push(name);
    const s: State = states[name]!;
    name = s.Type === 'Choice' ? (s.Choices as Array<{ Next: string }>)[0]?.Next : (s.Next as string | undefined);
  }
  return path;
}
