/**
 * An export job's state machine, compiled as an import job's is (import-job.ts): one Task state per
 * stage (read, write, finish), each invoking the export function with the job and the stage, which
 * answers `go` (the next stage), `wait` (paused: a Wait state, then the same stage asks again) or
 * `end`. Pause and cancel therefore act between stages; the file appears only in the last one.
 */
import { EXPORT_STAGES, type ExportStage } from '../lambdas/imports/export-plan.js';
import { LAMBDA_INVOKE, LAMBDA_RETRY, type State, type StateMachineDefinition } from './asl.js';
import { JOB_CATCH, jobFailureStates, PAUSE_POLL_SECONDS } from './import-job.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation ${Name} substitution, not a JS template
export const EXPORT_FUNCTION = '${ExportFunction}';

/** The deployed export machine (`_` cannot appear in a campaign id: no campaign machine has this name). */
export const EXPORT_MACHINE = 'orca_exports';

export const exportStageState = (s: ExportStage) => `Stage ${s}`;

export function compileExportJob(): StateMachineDefinition {
  const States: Record<string, State> = {};
  EXPORT_STAGES.forEach((stage, i) => {
    const next = EXPORT_STAGES[i + 1];
    States[exportStageState(stage)] = {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: EXPORT_FUNCTION, Payload: { 'jobId.$': '$.jobId', stage } },
      ResultSelector: { 'next.$': '$.Payload.next' },
      ResultPath: '$.result',
      Retry: [LAMBDA_RETRY],
      Catch: JOB_CATCH,
      Next: `After ${stage}`,
    };
    States[`After ${stage}`] = {
      Type: 'Choice',
      Choices: [
        { Variable: '$.result.next', StringEquals: 'go', Next: next ? exportStageState(next) : 'Ended' },
        { Variable: '$.result.next', StringEquals: 'wait', Next: `Paused before ${stage}` },
      ],
      Default: 'Ended',
    };
    States[`Paused before ${stage}`] = { Type: 'Wait', Seconds: PAUSE_POLL_SECONDS, Next: exportStageState(stage) };
  });
  States.Ended = { Type: 'Succeed' };
  Object.assign(States, jobFailureStates(EXPORT_FUNCTION));
  return { Comment: 'orca export job', StartAt: exportStageState(EXPORT_STAGES[0]), States };
}
