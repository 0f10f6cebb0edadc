/**
 * When a run's execution ends without reaching its own last steps (StopExecution from the console
 * or the CLI, the execution's time-out, a state failing outside the Catch of `Run campaign`), its
 * finalize step never runs. The deployment's EventBridge rule sends the control function the
 * execution's status change ("AWS Step Functions Developer Guide — EventBridge (CloudWatch Events)
 * for Step Functions execution status changes"), and this step ends the run in its place: a run
 * still in progress is recorded as `stopped` (ABORTED: someone stopped the execution) or
 * `interrupted` (TIMED_OUT, FAILED), with its activities, one line in its log, and its place among
 * its campaign's runs given back. A run that already ended is left as it is.
 */
import { z } from 'zod';
import { OrcaError } from '../util/errors.js';
import { isInProgress } from '../../statemachines/lifecycle.js';
import { iso } from './activity-records.js';
import { runIdOf } from './start.js';
import { recordRunInterrupted, recordStopped } from './stopped.js';
import type { Deps } from './types.js';

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
/** The statuses of an execution that ended without succeeding; the rule sends only these. */
export const ENDED_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

/**
 * The event, as the Step Functions Developer Guide documents it: `detail` has the execution's ARN,
 * its state machine's ARN, its name, its status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED,
 * PENDING_REDRIVE), start and stop dates in epoch milliseconds, its input as a JSON string (left out,
 * `inputDetails.included` false, when input and output exceed 248 KB) and, when it failed, `error`
 * and `cause`. Fields orca does not read are allowed and ignored.
 */
export const executionStatusChange = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  time: z.string().optional(),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    name: z.string().min(1),
    status: z.string(),
    startDate: z.number().nullish(),
    stopDate: z.number().nullish(),
    input: z.string().nullish(),
    inputDetails: z.object({ included: z.boolean() }).nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionStatusChange = z.infer<typeof executionStatusChange>;

/** The event is not the status change the rule sends. */
export class NotAnExecutionEvent extends OrcaError {
  static override readonly errorName = 'Orca.NotAnExecutionEvent';
}

/** What the step did, for the function's log and the tests. */
export type ExecutionEnded =
  | { outcome: 'stopped' | 'interrupted' | 'alreadyEnded' | 'unknownRun' | 'otherExecution'; runId: string }
  | { outcome: 'ignored'; status: string };

/** The run's part of the execution's input: the run id the API gave it, if any. */
const runInput = z.object({ run: z.object({ runId: z.string().min(1).optional() }).optional() });

function inputOf(detail: ExecutionStatusChange['detail']): z.infer<typeof runInput> {
  if (!detail.input || detail.inputDetails?.included === false) return {};
  try {
    const parsed = runInput.safeParse(JSON.parse(detail.input));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** One line of at most `max` characters. */
const oneLine = (s: string, max = 300): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export async function executionEnded(event: unknown, deps: Deps): Promise<ExecutionEnded> {
  const parsed = executionStatusChange.safeParse(event);
  if (!parsed.success)
    throw new NotAnExecutionEvent(
      `executionEnded: not a "${EXECUTION_STATUS_CHANGE}" event from aws.states (${oneLine(parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; '), 200)})`,
    );
  const { detail } = parsed.data;
  if (!(ENDED_STATUSES as readonly string[]).includes(detail.status))
    return { outcome: 'ignored', status: detail.status };
  const runId = runIdOf({ input: inputOf(detail), execution: detail.name });
  const run = await deps.store.getRun(runId);
  if (!run) return { outcome: 'unknownRun', runId };
  // The run is another execution's (one of another machine that happens to have the run's name).
  if (run.execution?.startsWith('arn:') && run.execution !== detail.executionArn)
    return { outcome: 'otherExecution', runId };
  if (!isInProgress(run.status)) return { outcome: 'alreadyEnded', runId };
  const at = typeof detail.stopDate === 'number' ? new Date(detail.stopDate).toISOString() : iso(deps);
  const execution = `its Step Functions execution ${detail.name}`;

  if (detail.status === 'ABORTED') {
    // The conditional write decides between this and finalize (or another delivery of the event).
    if (!(await deps.store.updateRun(runId, { status: 'stopped', endedAt: at }, ['running', 'paused', 'stopping'])))
      return { outcome: 'alreadyEnded', runId };
    await recordStopped(deps.store, runId, at);
    await deps.store.log(runId, {
      at,
      level: 'warn',
      message:
        run.status === 'stopping'
          ? `run stopped: ${execution} was stopped`
          : `run stopped: ${execution} was stopped outside orca (StopExecution, from the console or the AWS CLI); activities in progress are failed, those not started not run; start the campaign again to run it`,
    });
    return { outcome: 'stopped', runId };
  }

  const why =
    detail.status === 'TIMED_OUT'
      ? 'timed out'
      : `failed${detail.error ? ` with ${oneLine(detail.error, 100)}` : ''}${detail.cause ? `: ${oneLine(detail.cause)}` : ''}`;
  const error = `interrupted: ${execution} ${detail.status === 'TIMED_OUT' ? 'timed out' : 'failed'} before the run ended`;
  const message = `run interrupted: ${execution} ${why} before the run ended; activities in progress are marked interrupted; see the execution in the Step Functions console (${detail.executionArn}) for what ended it, then start the campaign again`;
  return (await recordRunInterrupted(deps.store, run, at, error, message))
    ? { outcome: 'interrupted', runId }
    : { outcome: 'alreadyEnded', runId };
}
