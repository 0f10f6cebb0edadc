/**
 * An import job's state machine, compiled like a campaign's: one Task state per stage (load, type,
 * doubles, match, apply, swap), each invoking the import function with the job and the stage. The
 * function answers what comes next: `go` (the next stage), `wait` (the job is paused: a Wait state,
 * then the same stage asks again) or `end` (finished, cancelled or stopped by an error). Pause and
 * cancel therefore act between stages; the table changes only in the swap. A stage whose function
 * fails past its retries is caught: the `fail` step marks the job interrupted (jobFailureStates).
 */
import { STAGES, type Stage } from '../lambdas/imports/plan.js';
import { LAMBDA_INVOKE, LAMBDA_RETRY, type State, type StateMachineDefinition } from './asl.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation ${Name} substitution, not a JS template
export const IMPORT_FUNCTION = '${ImportFunction}';

/** The deployed job machine (`_` cannot appear in a campaign id: no campaign machine has this name). */
export const IMPORT_MACHINE = 'orca_imports';

/** Seconds a paused job waits before its stage looks at its status again. */
export const PAUSE_POLL_SECONDS = 10;

/** The step the job machine's Catch runs: the job marked interrupted (lambdas/orchestrator/job-interrupted.ts). */
export const FAIL_STAGE = 'fail';
export const INTERRUPTED_STATE = 'Interrupted';
export const JOB_INTERRUPTED = 'orca.JobInterrupted';

/**
 * A Task state's Catch: any error left after its retries (the function ran out of time or memory,
 * or threw) goes to the Interrupted state with the error in $.failure ("AWS Step Functions
 * Developer Guide — Error handling": Catch, States.ALL, ResultPath).
 */
export const JOB_CATCH = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: INTERRUPTED_STATE }];

/** The Interrupted state (the same function, its `fail` step), then the execution fails naming why. */
export function jobFailureStates(fn: string): Record<string, State> {
  return {
    [INTERRUPTED_STATE]: {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: fn, Payload: { 'jobId.$': '$.jobId', stage: FAIL_STAGE, 'failure.$': '$.failure' } },
      ResultPath: null,
      Retry: [LAMBDA_RETRY],
      Next: 'Failed',
    },
    Failed: {
      Type: 'Fail',
      Error: JOB_INTERRUPTED,
      Cause: 'the job function failed: the job is marked interrupted and what it wrote removed',
    },
  };
}

export const stageState = (s: Stage) => `Stage ${s}`;
export const afterState = (s: Stage) => `After ${s}`;
export const pausedState = (s: Stage) => `Paused before ${s}`;

export function compileImportJob(): StateMachineDefinition {
  const States: Record<string, State> = {};
  STAGES.forEach((stage, i) => {
    const next = STAGES[i + 1];
    States[stageState(stage)] = {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: IMPORT_FUNCTION, Payload: { 'jobId.$': '$.jobId', stage } },
      ResultSelector: { 'next.$': '$.Payload.next' },
      ResultPath: '$.result',
      Retry: [LAMBDA_RETRY],
      Catch: JOB_CATCH,
      Next: afterState(stage),
    };
    States[afterState(stage)] = {
      Type: 'Choice',
      Choices: [
        { Variable: '$.result.next', StringEquals: 'go', Next: next ? stageState(next) : 'Ended' },
        { Variable: '$.result.next', StringEquals: 'wait', Next: pausedState(stage) },
      ],
      Default: 'Ended',
    };
    States[pausedState(stage)] = { Type: 'Wait', Seconds: PAUSE_POLL_SECONDS, Next: stageState(stage) };
  });
  States.Ended = { Type: 'Succeed' };
  Object.assign(States, jobFailureStates(IMPORT_FUNCTION));
  return { Comment: 'orca import job', StartAt: stageState(STAGES[0]), States };
}
