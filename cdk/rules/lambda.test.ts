/** Lambda's timeout rule against the waits of the functions that run Athena queries. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient, GetQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { AthenaEngine } from '../../lambdas/adapters/athena-engine.js';
import { QUERY_LIMITS } from '../../lambdas/entry/deadlines.js';
import { orcaTemplate } from './template.js';

/** The deployed timeout (seconds) of the function whose description matches. */
function timeoutOf(description: RegExp): number {
  const fns = Object.values(orcaTemplate().template.findResources('AWS::Lambda::Function'));
  const fn = fns.find((f) => description.test(f.Properties.Description));
  expect(fn, String(description)).toBeDefined();
  return fn!.Properties.Timeout as number;
}

const FUNCTIONS = [
  { name: 'record', description: /records an activity/, limits: QUERY_LIMITS.record },
  { name: 'api', description: /the HTTP API/, limits: QUERY_LIMITS.api },
  { name: 'import', description: /one stage of an import job/, limits: QUERY_LIMITS.import },
];

afterEach(() => vi.useRealTimers());

describe('AWS Lambda Developer Guide — Configure Lambda function timeout (the function is stopped at its timeout)', () => {
  for (const { name, description, limits } of FUNCTIONS) {
    it(`${name}: its query wait ends, with the last poll and a margin, before its deployed timeout`, () => {
      const timeout = timeoutOf(description);
      expect(timeout).toBe(limits.timeoutSeconds);
      expect(limits.queryDeadlineMs + limits.pollMs[1] + limits.marginMs).toBeLessThanOrEqual(timeout * 1000);
    });

    it(`${name}: a query still running at the deadline is cancelled (StopQueryExecution) before the function's timeout`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const athena = mockClient(AthenaClient);
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
      athena.on(StopQueryExecutionCommand).resolves({});
      const started = Date.now();
      const engine = new AthenaEngine({
        athena: new AthenaClient({ region: 'eu-west-1' }),
        glue: new GlueClient({ region: 'eu-west-1' }),
        s3: new S3Client({ region: 'eu-west-1' }),
        bucket: 'orca-data',
        database: 'orca',
        workGroup: 'orca',
        timeoutMs: limits.queryDeadlineMs,
        poll: limits.pollMs,
        sleep: async (ms) => void vi.setSystemTime(Date.now() + ms),
      });
      await expect(engine.wait('q-1')).rejects.toThrow(/did not finish in time and was cancelled/);
      expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
      expect(Date.now() - started).toBeLessThanOrEqual(limits.timeoutSeconds * 1000 - limits.marginMs);
      athena.restore();
    });
  }
});

describe('Amazon API Gateway Developer Guide — quotas for HTTP APIs (integration timeout 30 seconds)', () => {
  it('the API function ends before API Gateway gives up on it', () => {
    expect(timeoutOf(/the HTTP API/)).toBeLessThan(30);
  });
});
