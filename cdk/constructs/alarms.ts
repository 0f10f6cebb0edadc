/**
 * Operational alarms (failed executions, failed or throttled functions) to an encrypted SNS
 * topic, and the topic Alert activities publish to, with each campaign's supervisors subscribed
 * to its own alerts only.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export class AlertTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: { supervisors: Map<string, string[]> }) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'orca campaign alerts',
      masterKey: kms.Alias.fromAliasName(this, 'Key', 'alias/aws/sns'),
      enforceSSL: true,
    });
    for (const [campaign, emails] of props.supervisors) {
      for (const email of emails) {
        this.topic.addSubscription(
          new subs.EmailSubscription(email, {
            filterPolicy: { campaign: sns.SubscriptionFilter.stringFilter({ allowlist: [campaign] }) },
          }),
        );
      }
    }
  }
}

export interface OperationalAlarmsProps {
  machines: Map<string, sfn.StateMachine>;
  functions: lambda.IFunction[];
  email?: string;
}

export class OperationalAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'orca alarms',
      masterKey: kms.Alias.fromAliasName(this, 'Key', 'alias/aws/sns'),
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subs.EmailSubscription(props.email));
    const action = new actions.SnsAction(this.topic);
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    const period = Duration.minutes(5);
    for (const [id, machine] of props.machines) {
      alarm(`Failed-${id}`, machine.metricFailed({ period }), `A run of campaign ${id} failed`);
      alarm(`TimedOut-${id}`, machine.metricTimedOut({ period }), `A run of campaign ${id} timed out`);
    }
    for (const fn of props.functions) {
      const name = fn.node.id;
      alarm(`Errors-${name}`, fn.metricErrors({ period }), `The orca ${name} function failed`);
      alarm(`Throttles-${name}`, fn.metricThrottles({ period }), `The orca ${name} function was throttled`);
    }
  }
}
