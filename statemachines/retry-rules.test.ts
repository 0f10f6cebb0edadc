/**
 * AWS's rules for the names of its errors, as the compiled state machine's Retry and the failure
 * handler match them. Each block names the document the names come from.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { parseError } from '../lambdas/orchestrator/errors.js';
import { readDocument } from '../lambdas/util/files.js';
import { allStates, ATHENA_RETRY, ATHENA_SYNC, LAMBDA_CALLBACK, LAMBDA_INVOKE, LAMBDA_RETRY } from './asl.js';
import { compileCampaign } from './compile.js';
import { validateCampaign } from './validate.js';

const catalog = loadCatalog(join(import.meta.dirname, '../examples/catalog.yaml'));
const v = validateCampaign(readDocument(join(import.meta.dirname, '../examples/winback.yaml')), catalog);
const states = [...allStates(compileCampaign(v.analysis!).definition)].map(([, s]) => s);
const retriedNames = (s: Record<string, unknown>) =>
  ((s.Retry as Array<{ ErrorEquals: string[] }> | undefined) ?? []).flatMap((r) => r.ErrorEquals);

describe('AWS Step Functions Developer Guide — Handle Lambda service exceptions', () => {
  // "invoking Lambda results in a 500 error, such as ClientExecutionTimeoutException,
  // ServiceException, AWSLambdaException, or SdkClientException ... Lambda errors are reported as
  // Lambda.<name>"; "When Lambda hits the maximum number of invocations, the error is
  // Lambda.TooManyRequestsException".
  const SERVICE_ERRORS = [
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ];

  it('every Lambda task of the compiled machine retries each of the service exceptions', () => {
    const lambdas = states.filter((s) => s.Resource === LAMBDA_INVOKE || s.Resource === LAMBDA_CALLBACK);
    expect(lambdas.length).toBeGreaterThan(3);
    for (const s of lambdas) expect(retriedNames(s)).toEqual(expect.arrayContaining(SERVICE_ERRORS));
    expect(LAMBDA_RETRY.ErrorEquals).toEqual(expect.arrayContaining(SERVICE_ERRORS));
  });

  it('names only errors Lambda or orca reports', () => {
    for (const name of LAMBDA_RETRY.ErrorEquals) expect(name).toMatch(/^(Lambda|Orca)\.[A-Za-z]+$/);
  });

  it('the failure handler treats the service exceptions as transient', () => {
    for (const name of SERVICE_ERRORS) expect(parseError({ Error: name, Cause: 'x' }).transient, name).toBe(true);
  });

  // "Unhandled errors in Lambda are reported as Lambda.Unknown ... These include out-of-memory
  // errors and function timeouts." Decided: not retried at once by the state (the same function
  // would mostly run out again), transient for the failure handler, so the error policy retries it
  // with its delay and within its limit.
  it('Lambda.Unknown (a timeout or out of memory) is left to the error policy, which retries it', () => {
    expect(LAMBDA_RETRY.ErrorEquals).not.toContain('Lambda.Unknown');
    expect(parseError({ Error: 'Lambda.Unknown', Cause: 'Task timed out after 60.00 seconds' }).transient).toBe(true);
  });
});

describe('Amazon Athena API Reference — StartQueryExecution, Errors', () => {
  // InternalServerException: "a platform issue, which may be due to a transient condition or
  // outage" (HTTP 500); InvalidRequestException: "something is wrong with the input to the
  // request" (HTTP 400); TooManyRequestsException: "the request was throttled" (HTTP 400).
  // Athena has no ThrottlingException. Step Functions names them Athena.<name>.
  it('the Athena .sync task retries throttling and internal server errors, and only those', () => {
    const queries = states.filter((s) => s.Resource === ATHENA_SYNC);
    expect(queries.length).toBeGreaterThan(0);
    for (const s of queries)
      expect(retriedNames(s).sort()).toEqual(['Athena.InternalServerException', 'Athena.TooManyRequestsException']);
    expect(ATHENA_RETRY.ErrorEquals).not.toContain('Athena.ThrottlingException');
  });

  it('the failure handler reads the same names', () => {
    expect(parseError({ Error: 'Athena.InternalServerException', Cause: 'x' }).transient).toBe(true);
    expect(parseError({ Error: 'Athena.TooManyRequestsException', Cause: 'x' }).transient).toBe(true);
    expect(parseError({ Error: 'Athena.InvalidRequestException', Cause: 'line 1:8: mismatched input' }).transient).toBe(
      false,
    );
  });

  it('a message naming InternalServerException is transient (an SDK error seen through a Lambda)', () => {
    const cause = JSON.stringify({
      errorType: 'Error',
      errorMessage: 'InternalServerException: We encountered an internal error',
    });
    expect(parseError({ Error: 'Error', Cause: cause }).transient).toBe(true);
    expect(parseError({ Error: 'States.TaskFailed', Cause: 'InternalServerException: try again' }).transient).toBe(
      true,
    );
  });
});
