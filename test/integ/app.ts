/**
 * The integration test's CDK app: orca (the OrcaCampaigns construct, the sample catalog, the
 * flagship campaign `examples/winback.yaml`) in a test stack that a test account can delete whole,
 * a small generated data set uploaded into its bucket, and the IntegTest assertions: start the
 * flagship's state machine, wait until the execution SUCCEEDED, then read the run's transitions
 * from the status table and compare their row counts with the embedded run's on the same data.
 *
 * `integ.orca.ts` (what integ-runner runs) generates the data and computes the expected counts;
 * `integ.test.ts` synthesizes this app on fixed inputs and compares it with its snapshot.
 */
import { join } from 'node:path';
import { App, CfnOutput, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { OrcaCampaigns } from '../../cdk/orca.js';
import { readDocument } from '../../lambdas/util/files.js';
import { PREFIX } from '../../lambdas/adapters/dynamodb-keys.js';

export const ROOT = join(import.meta.dirname, '../..');
export const FLAGSHIP = join(ROOT, 'examples/winback.yaml');
export const STACK_NAME = 'OrcaIntegTest';

export interface IntegAppOptions {
  /** A data root as `orca generate` writes it (<root>/catalog/<table>/...). */
  dataRoot: string;
  /** Row count of each transition that carried a population in the embedded run: transition id -> rows. */
  expected: Record<string, number>;
  /** CDK context (the snapshot test skips bundling). */
  context?: Record<string, unknown>;
}

export function integApp(options: IntegAppOptions): { app: App; stack: Stack; test: IntegTest } {
  const app = new App({ context: options.context ?? {} });
  const stack = new Stack(app, STACK_NAME, { description: 'orca integration test (deleted after the test)' });
  const orca = new OrcaCampaigns(stack, 'Orca', {
    catalog: join(ROOT, 'examples/catalog.yaml'),
    definitions: [{ file: 'winback.yaml', doc: readDocument(FLAGSHIP) }],
    // A test account: everything goes with the stack.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const upload = new s3deploy.BucketDeployment(stack, 'SampleData', {
    sources: [s3deploy.Source.asset(join(options.dataRoot, 'catalog'))],
    destinationBucket: orca.data.bucket,
    destinationKeyPrefix: 'catalog/',
    prune: false,
    memoryLimit: 512,
  });
  const machine = orca.machines.machines.get('winback')!;
  machine.node.addDependency(upload);
  new CfnOutput(stack, 'StateMachineArn', { value: machine.stateMachineArn });

  const test = new IntegTest(app, 'OrcaInteg', {
    testCases: [stack],
    cdkCommandOptions: { destroy: { args: { force: true } } },
    diffAssets: false,
  });
  // The input EventBridge Scheduler gives a scheduled run.
  const start = test.assertions.awsApiCall('SFN', 'startExecution', {
    stateMachineArn: machine.stateMachineArn,
    input: JSON.stringify({ trigger: 'schedule' }),
  });
  const executionArn = start.getAttString('executionArn');
  const done = test.assertions
    .awsApiCall('SFN', 'describeExecution', { executionArn })
    .expect(ExpectedResult.objectLike({ status: 'SUCCEEDED' }))
    .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) });
  // The run id is the execution's name: arn:aws:states:<region>:<account>:execution:<machine>:<name>.
  const runId = Fn.select(7, Fn.split(':', executionArn));
  const transitions = test.assertions.awsApiCall('DynamoDB', 'query', {
    TableName: orca.status.table.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tr)',
    ExpressionAttributeValues: { ':pk': { S: Fn.join('', [PREFIX.run, runId]) }, ':tr': { S: PREFIX.transition } },
  });
  const expected = Object.entries(options.expected)
    .map(([id, rows]) => ({ sk: `${PREFIX.transition}${id}`, rows }))
    .sort((a, b) => (a.sk < b.sk ? -1 : 1));
  transitions.expect(
    ExpectedResult.objectLike({
      Items: Match.arrayWith(
        expected.map((t) =>
          Match.objectLike({
            sk: { S: t.sk },
            population: Match.objectLike({ M: Match.objectLike({ rows: { N: String(t.rows) } }) }),
          }),
        ),
      ),
    }),
  );
  start.next(done).next(transitions);
  return { app, stack, test };
}
