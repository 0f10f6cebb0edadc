/**
 * Errors the orchestrator raises, and how it reads the errors Step Functions hands it. The names of
 * these classes are what Step Functions matches in Retry and Catch and what the failure handler
 * reads to decide between retrying, failing and the error policy.
 */
import { retryableByName, STATE_MACHINE_ERRORS } from '../util/errors.js';

export { ActivityError, RunStopped, STATE_MACHINE_ERRORS, TransientError } from '../util/errors.js';

/** Orca's own names → retryable, from the classes. */
const ORCA_ERRORS = retryableByName(STATE_MACHINE_ERRORS);

/**
 * Errors that are not orca's, by the name Step Functions gives them: `true` transient, `false`
 * not, `'cause'` decided by what the cause says (see `parseError`). A `Service.*` row stands for
 * the names of that service not listed. Names in neither table are decided by the cause too.
 *
 * | name | transient | why |
 * |---|---|---|
 * | States.Timeout | yes | a task ran past its TimeoutSeconds: the next attempt may be quicker |
 * | States.TaskFailed | cause | an Athena query that failed (`athena:startQueryExecution.sync`) |
 * | Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.ClientExecutionTimeoutException | yes | the Lambda service failed (a 500) |
 * | Lambda.TooManyRequestsException | yes | Lambda's concurrency limit |
 * | Lambda.Unknown | yes | the function ran out of time or memory ("AWS Step Functions Developer Guide — Handle Lambda service exceptions"): not retried by the state, retried here under the error policy, whose delay and limit bound it |
 * | Athena.TooManyRequestsException, Athena.InternalServerException | yes | a query submission throttled, or a platform issue ("Amazon Athena API Reference — StartQueryExecution, Errors") |
 * | Athena.InvalidRequestException | no | the request itself is wrong |
 * | Lambda.* | yes | any other error of the Lambda service, as orca has always treated them |
 */
const FOREIGN_ERRORS: Readonly<Record<string, boolean | 'cause'>> = {
  'States.Timeout': true,
  'States.TaskFailed': 'cause',
  'Lambda.ServiceException': true,
  'Lambda.AWSLambdaException': true,
  'Lambda.SdkClientException': true,
  'Lambda.ClientExecutionTimeoutException': true,
  'Lambda.TooManyRequestsException': true,
  'Lambda.Unknown': true,
  'Lambda.*': true,
  'Athena.TooManyRequestsException': true,
  'Athena.InternalServerException': true,
  'Athena.InvalidRequestException': false,
};

/**
 * Words of a message that says the failure was the service's and may not happen again: AWS's
 * exception names (Athena's InternalServerException and TooManyRequestsException, S3's SlowDown,
 * the common InternalFailure and ServiceUnavailable, the ThrottlingException of Glue and others),
 * timeouts, network resets.
 */
const TRANSIENT_MESSAGE =
  /Throttl|TooManyRequests|Rate exceeded|SlowDown|ServiceUnavailable|InternalServerError|InternalServerException|InternalFailure|INTERNAL_ERROR|timed out|ECONNRESET|socket hang up/i;

export interface ParsedError {
  name: string;
  message: string;
  transient: boolean;
}

/**
 * Reads a Step Functions error ({ Error, Cause }) from a Lambda, an Athena query or orca itself.
 * Whether it is transient: an orca name says so through its class; another name through
 * FOREIGN_ERRORS; otherwise (or for a `'cause'` row) the cause decides: an Athena query's
 * `AthenaError.Retryable` when there is one, else the words of the message.
 */
export function parseError(error: { Error?: string; Cause?: string } | undefined): ParsedError {
  const name = error?.Error ?? 'Unknown';
  let message = error?.Cause ?? '';
  let retryable: boolean | undefined;
  try {
    const cause = JSON.parse(message) as Record<string, unknown>;
    // A Lambda error: { errorType, errorMessage, trace }
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
    // An Athena query: { QueryExecution: { Status: { StateChangeReason, AthenaError: { Retryable } } } }
    const qe = (cause.QueryExecution ?? cause) as {
      Status?: { StateChangeReason?: string; AthenaError?: { Retryable?: boolean; ErrorMessage?: string } };
    };
    if (qe.Status) {
      message = qe.Status.StateChangeReason ?? qe.Status.AthenaError?.ErrorMessage ?? message;
      retryable = qe.Status.AthenaError?.Retryable;
    }
  } catch {
    // a plain message
  }
  const byName = ORCA_ERRORS.get(name) ?? foreignTransience(name);
  const transient = byName === 'cause' ? (retryable ?? TRANSIENT_MESSAGE.test(message)) : byName;
  return { name, message: message || name, transient };
}

function foreignTransience(name: string): boolean | 'cause' {
  const service = name.includes('.') ? `${name.slice(0, name.indexOf('.'))}.*` : undefined;
  return FOREIGN_ERRORS[name] ?? (service ? FOREIGN_ERRORS[service] : undefined) ?? 'cause';
}
