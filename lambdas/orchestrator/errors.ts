/**
 * Errors the orchestrator raises. Their names are what Step Functions matches in Retry and Catch
 * and what the failure handler reads to decide between retrying, failing and the error policy.
 */
export class ActivityError extends Error {
  override name = 'Orca.ActivityError';
}

/** Worth trying again: throttling, a service hiccup. */
export class TransientError extends Error {
  override name = 'Orca.Transient';
}

export class RunStopped extends Error {
  override name = 'Orca.RunStopped';
  constructor() {
    super('the run was stopped');
  }
}

export interface ParsedError {
  name: string;
  message: string;
  transient: boolean;
}

const TRANSIENT =
  /Throttl|TooManyRequests|Rate exceeded|SlowDown|ServiceUnavailable|InternalServerError|INTERNAL_ERROR|timed out|ECONNRESET|socket hang up/i;

/** Reads a Step Functions error ({ Error, Cause }) from a Lambda, an Athena query or orca itself. */
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
  const transient =
    name === 'Orca.Transient' ||
    name === 'States.Timeout' ||
    name.startsWith('Lambda.') ||
    retryable === true ||
    (retryable === undefined && name !== 'Orca.ActivityError' && TRANSIENT.test(message));
  return { name, message: message || name, transient };
}
