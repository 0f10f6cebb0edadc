/**
 * The EventBridge rule that ends runs whose execution ended without reaching its own last steps
 * (StopExecution from the console, the execution's time-out, a state failing outside the Catch of
 * `Run campaign`): Step Functions sends every status change of an execution of a Standard
 * workflow to the account's default event bus ("AWS Step Functions Developer Guide — EventBridge
 * (CloudWatch Events) for Step Functions execution status changes"); the rule sends those of orca's
 * campaign machines (all named `orca-…`, the deployed ones, those the API publishes and the test
 * machines alike) that ended ABORTED, TIMED_OUT or FAILED to the control function, whose
 * `executionEnded` step records the run and gives its place back (lambdas/orchestrator/ended.ts).
 */
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENDED_STATUSES, EXECUTION_STATUS_CHANGE } from '../../lambdas/orchestrator/ended.js';
import { stateMachineArn, stateMachineName } from '../../lambdas/util/names.js';

export interface ExecutionEventsProps {
  control: lambda.IFunction;
}

export class ExecutionEvents extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ExecutionEventsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Every campaign machine's name starts with the name of a campaign with an empty id.
    const machines = stateMachineArn(
      { partition: stack.partition, region: stack.region, account: stack.account },
      stateMachineName(''),
    );
    this.rule = new events.Rule(this, 'Ended', {
      description: 'orca: end the runs whose execution was stopped, timed out or failed before finalizing them',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { status: [...ENDED_STATUSES], stateMachineArn: events.Match.prefix(machines) },
      },
      // EventBridge's default retry policy (24 hours, 185 attempts): a run must not stay in progress
      // because the function was throttled for a while.
      targets: [new targets.LambdaFunction(props.control)],
    });
  }
}
