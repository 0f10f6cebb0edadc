import { describe, expect, it } from 'vitest';
import { ActivityError, parseError, RunStopped, TransientError } from './errors.js';

const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at handler'] });
const athenaCause = (status: { StateChangeReason?: string; AthenaError?: Record<string, unknown> }) =>
  JSON.stringify({ QueryExecution: { QueryExecutionId: 'q1', Status: { State: 'FAILED', ...status } } });

// input (Error, Cause) → expected { name, message, transient }, from the documented intent:
// orca's names say by their class; Step Functions' timeout and the Lambda service's errors are
// transient; an Athena query says by AthenaError.Retryable; otherwise the words of the message.
const CASES: Array<[string, { Error?: string; Cause?: string } | undefined, ReturnType<typeof parseError>]> = [
  [
    'orca: a transient error is retried',
    { Error: 'Orca.Transient', Cause: lambdaCause('Orca.Transient', 'Rate exceeded') },
    { name: 'Orca.Transient', message: 'Rate exceeded', transient: true },
  ],
  [
    'orca: a transient error whatever its message',
    { Error: 'Orca.Transient', Cause: 'the store did not answer' },
    { name: 'Orca.Transient', message: 'the store did not answer', transient: true },
  ],
  [
    'orca: an activity error is not, even if its message reads like a hiccup',
    { Error: 'Orca.ActivityError', Cause: 'the query timed out' },
    { name: 'Orca.ActivityError', message: 'the query timed out', transient: false },
  ],
  [
    'orca: an activity error from a Lambda',
    { Error: 'Orca.ActivityError', Cause: lambdaCause('Orca.ActivityError', '3 rejected lines (at most 0)') },
    { name: 'Orca.ActivityError', message: '3 rejected lines (at most 0)', transient: false },
  ],
  [
    'orca: a stopped run is not',
    { Error: 'Orca.RunStopped', Cause: 'the run was stopped' },
    { name: 'Orca.RunStopped', message: 'the run was stopped', transient: false },
  ],
  [
    'Step Functions: a task timeout is',
    { Error: 'States.Timeout', Cause: '' },
    { name: 'States.Timeout', message: 'States.Timeout', transient: true },
  ],
  [
    'Lambda: a service exception is',
    { Error: 'Lambda.ServiceException', Cause: 'Lambda service error' },
    { name: 'Lambda.ServiceException', message: 'Lambda service error', transient: true },
  ],
  [
    'Lambda: throttling is',
    { Error: 'Lambda.TooManyRequestsException', Cause: 'Rate exceeded' },
    { name: 'Lambda.TooManyRequestsException', message: 'Rate exceeded', transient: true },
  ],
  [
    'Lambda: a function that ran out of time or memory is',
    { Error: 'Lambda.Unknown', Cause: 'The cause could not be determined' },
    { name: 'Lambda.Unknown', message: 'The cause could not be determined', transient: true },
  ],
  [
    'Lambda: another error of the service is, as it always was',
    { Error: 'Lambda.ResourceNotReadyException', Cause: 'Function is not ready' },
    { name: 'Lambda.ResourceNotReadyException', message: 'Function is not ready', transient: true },
  ],
  [
    'Athena: a query Athena marks retryable is',
    {
      Error: 'States.TaskFailed',
      Cause: athenaCause({ StateChangeReason: 'Internal error', AthenaError: { ErrorCategory: 1, Retryable: true } }),
    },
    { name: 'States.TaskFailed', message: 'Internal error', transient: true },
  ],
  [
    'Athena: a query Athena marks not retryable is not, even if its message reads like a hiccup',
    {
      Error: 'States.TaskFailed',
      Cause: athenaCause({
        StateChangeReason: 'Query timed out: too much data',
        AthenaError: { ErrorCategory: 2, Retryable: false },
      }),
    },
    { name: 'States.TaskFailed', message: 'Query timed out: too much data', transient: false },
  ],
  [
    'Athena: the error message when there is no state change reason',
    {
      Error: 'States.TaskFailed',
      Cause: athenaCause({ AthenaError: { ErrorCategory: 2, Retryable: false, ErrorMessage: 'COLUMN_NOT_FOUND' } }),
    },
    { name: 'States.TaskFailed', message: 'COLUMN_NOT_FOUND', transient: false },
  ],
  [
    'Athena: without AthenaError the message decides',
    { Error: 'States.TaskFailed', Cause: athenaCause({ StateChangeReason: 'ThrottlingException: slow down' }) },
    { name: 'States.TaskFailed', message: 'ThrottlingException: slow down', transient: true },
  ],
  [
    'another error: a throttling message is',
    { Error: 'SqlSafetyError', Cause: lambdaCause('Error', 'TooManyRequestsException: Rate exceeded') },
    { name: 'SqlSafetyError', message: 'TooManyRequestsException: Rate exceeded', transient: true },
  ],
  [
    'another error: a dropped connection is',
    { Error: 'Error', Cause: 'read ECONNRESET' },
    { name: 'Error', message: 'read ECONNRESET', transient: true },
  ],
  [
    'another error: anything else is not',
    { Error: 'QueryFailed', Cause: 'Binder Error: column "x" not found' },
    { name: 'QueryFailed', message: 'Binder Error: column "x" not found', transient: false },
  ],
  [
    'no cause: the message is the name',
    { Error: 'Orca.ActivityFailed' },
    { name: 'Orca.ActivityFailed', message: 'Orca.ActivityFailed', transient: false },
  ],
  ['no error at all', undefined, { name: 'Unknown', message: 'Unknown', transient: false }],
];

describe('parseError', () => {
  for (const [what, input, expected] of CASES) {
    it(what, () => {
      expect(parseError(input)).toEqual(expected);
    });
  }
});

describe("the orchestrator's errors", () => {
  it('are named for the state machine, and only the transient one is retryable', () => {
    expect(
      [new ActivityError('x'), new TransientError('x'), new RunStopped()].map((e) => [e.name, e.retryable]),
    ).toEqual([
      ['Orca.ActivityError', false],
      ['Orca.Transient', true],
      ['Orca.RunStopped', false],
    ]);
  });

  it('parseError reads back what they are', () => {
    for (const e of [new ActivityError('bad data'), new TransientError('Rate exceeded'), new RunStopped()])
      expect(parseError({ Error: e.name, Cause: e.message }).transient).toBe(e.retryable);
  });
});
