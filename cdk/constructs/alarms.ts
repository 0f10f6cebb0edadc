/**
 * Operational alarms (failed executions, failed or throttled functions) to an encrypted SNS
 * topic, and the topic Alert activities publish to, with each campaign's supervisors subscribed
 * to its own alerts only.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * The customer-managed key of orca's topics. An AWS service that publishes to an encrypted topic
 * needs kms:Decrypt and kms:GenerateDataKey* in the key's policy, which the AWS-managed aws/sns key
 * cannot give (SNS Developer Guide — "Configure AWS KMS permissions for AWS services": encrypted
 * topics and AWS service event sources); CloudWatch alarms are such a source. Rotated yearly.
 */
export class TopicKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { removalPolicy?: RemovalPolicy | undefined } = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'orca: encrypts the alarm and alert topics',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}

export class AlertTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: { supervisors: Map<string, string[]>; key: kms.IKey }) {
    super(scope, id);
    // Published by orca's gate function (its role is granted the topic and the key), not by a service.
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'orca campaign alerts',
      masterKey: props.key,
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
  /** The topic's key (its policy lets CloudWatch use it). */
  key: kms.IKey;
}

export class OperationalAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'orca alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch alarms of this account publish (SNS Developer Guide — AWS service event sources,
    // with aws:SourceAccount against the confused deputy).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
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
