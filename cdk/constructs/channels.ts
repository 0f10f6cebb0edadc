/**
 * What channel activities need to send and to hear back, with the sending identities given as
 * settings (domains, numbers and platform applications are the user's; orca creates none):
 *
 * - the send function (one chunk of a channel activity per invocation, up to Lambda's 15 minutes)
 *   and the events function (delivery events, bounces and complaints);
 * - email: an SES configuration set, unless one is given, whose event destination sends SEND,
 *   DELIVERY, BOUNCE, COMPLAINT, OPEN, CLICK, REJECT and RENDERING_FAILURE events to the default
 *   EventBridge bus ("Amazon SES API v2 Reference — EventDestination": MatchingEventTypes,
 *   EventBridgeDestination "only the default bus is supported"), and a rule sending that
 *   configuration set's events (source aws.ses, "Amazon EventBridge Events Reference — Amazon SES
 *   events") to the events function;
 * - SMS: an End User Messaging configuration set, unless one is given, with an SNS event
 *   destination (AWS::SMSVOICE::ConfigurationSet EventDestination: CloudWatch Logs, Firehose or
 *   SNS; MatchingEventTypes, SnsDestination TopicArn) on an encrypted topic the events function is
 *   subscribed to. Its messages are the configuration set's event data ("AWS End User Messaging
 *   SMS User Guide — Example event data"), with the `context` SendTextMessage was given, where
 *   orca's message id travels. The service's own "Text Message Delivery Status Updated" events on
 *   the default bus ("— Monitoring with EventBridge") are not used: their documented examples carry
 *   neither the context nor the destination number, so they could not be matched to a message.
 *   A configuration set that is given gets no destination from orca (CloudFormation sets them on the
 *   set itself): add one for the topic (the SmsEventsTopicArn output);
 * - push: SNS gives no per-message delivery events for platform endpoints (delivery status logging
 *   goes to CloudWatch Logs), so there is no push rule;
 * - the link secret signing unsubscribe, open and click links (Secrets Manager, generated);
 * - the lake tables orca_messages and orca_optouts (JSON lines under channels/, partition projection);
 * - least-privilege grants: ses:SendEmail on the identity and the configuration set only,
 *   sms-voice:SendTextMessage on the origination identity and the configuration set, sns:Publish on
 *   the platform application's endpoints.
 *
 * `connectApi` adds the public routes (unsubscribe, open pixel, click redirect) to the HTTP API and
 * gives the send function the API's URL for its links.
 */
import { LAKE_COLUMNS, LAKE_FOLDERS } from '../../lambdas/channels/lake.js';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { CHANNELS } from '../../lambdas/channels/columns.js';
import { SMS_EVENT_TYPES } from '../../lambdas/orchestrator/events.js';
import {
  type ArnScope,
  SES_EVENT_TYPES,
  originationIdentityArn,
  parseOriginationIdentity,
  platformEndpointsArn,
  sesConfigurationSetArn,
  sesIdentityArn,
  smsConfigurationSetArn,
} from '../../lambdas/channels/identities.js';
import { acknowledgeWildcards, arnRef } from '../nag.js';
import { grantDeleteUnder, grantWorkTableQueries, orcaFunction, QUERY_ACTIONS, queryEnvironment } from './functions.js';

export interface ChannelSettings {
  email?: {
    /** A verified SES identity: a domain (example.com) or an address (news@example.com). */
    identity: string;
    /** An existing SES configuration set; else one is created, with its EventBridge destination. */
    configurationSet?: string;
  };
  sms?: {
    /** A phone number id (phone-…), a pool id (pool-…), or the ARN of a phone number, pool or sender ID. */
    originationIdentity: string;
    /** An existing End User Messaging configuration set; else one is created. */
    configurationSet?: string;
    /** USD per message part, for `orca cost --sms-price` (shown as a stack output). */
    pricePerMessage?: number;
  };
  push?: {
    /** An SNS platform application (arn:aws:sns:<region>:<account>:app/<platform>/<name>). */
    platformApplicationArn: string;
  };
}

/** A sending identity that cannot be used (the message says which and what to give). */
export class ChannelSettingsInvalid extends Error {}

/**
 * The EventBridge detail-types of those events ("Amazon EventBridge Events Reference — Amazon SES
 * events"), in the same order.
 */
export const SES_DETAIL_TYPES = [
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Opened',
  'Email Clicked',
  'Email Rejected',
  'Email Rendering Failed',
] as const;

/** The public routes (no authorization: recipients follow them from their mail), served by the API function. */
export const PUBLIC_ROUTES = [
  { path: '/u/{token}', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/o/{token}', methods: [apigw.HttpMethod.GET] },
  { path: '/c/{token}', methods: [apigw.HttpMethod.GET] },
] as const;

/** Their throttling, per route (stage route settings): what a burst of clicks after a send needs, no more. */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** The lake's prefixes in the data bucket and its tables' columns: lambdas/channels/lake.ts's. */
export const MESSAGES_PREFIX = `${LAKE_FOLDERS.messages}/`;
export const OPTOUTS_PREFIX = `${LAKE_FOLDERS.optouts}/`;
const MESSAGE_COLUMNS = LAKE_COLUMNS.messages;
const OPTOUT_COLUMNS = LAKE_COLUMNS.optouts;
/** The first day partition projection enumerates (no message was sent by orca before). */
export const LAKE_FIRST_DAY = '2026-01-01';

export interface OrcaChannelsProps {
  settings: ChannelSettings;
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  databaseName: string;
  /** The workgroup of orca's queries (the send function's deps name it; it runs none). */
  workGroupName: string;
  /** The key of orca's topics (the SMS events topic is encrypted with it). */
  topicKey: kms.Key;
  catalogJson: string;
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy | undefined;
}

export class OrcaChannels extends Construct {
  readonly send: NodejsFunction;
  readonly events: NodejsFunction;
  readonly linkSecret: secretsmanager.Secret;
  /** The SES configuration set's name (given or created), when email is set up. */
  readonly emailConfigurationSet?: string;
  /** The End User Messaging configuration set's name (given or created), when SMS is set up. */
  readonly smsConfigurationSet?: string;
  readonly emailRule?: events.Rule;
  /** The topic of the SMS configuration set's event destination, when SMS is set up. */
  readonly smsEventsTopic?: sns.Topic;
  readonly messagesTable: glue.CfnTable;
  readonly optoutsTable: glue.CfnTable;
  private readonly bucket: s3.IBucket;
  private readonly emailIdentity?: string;

  constructor(scope: Construct, id: string, props: OrcaChannelsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where: ArnScope = { partition: stack.partition, region: stack.region, account: stack.account };
    const { email, sms, push } = props.settings;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.bucket = props.bucket;

    this.linkSecret = new secretsmanager.Secret(this, 'LinkSecret', {
      description: 'orca: signs the unsubscribe, open and click links of the messages it sends',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.linkSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret signs the unsubscribe links of messages already sent: rotating it would break them (RFC 8058 one-click unsubscribe must keep working).',
    });

    // Email: the configuration set and its EventBridge destination.
    if (email) {
      this.emailIdentity = email.identity;
      if (email.configurationSet) this.emailConfigurationSet = email.configurationSet;
      else {
        const set = new ses.CfnConfigurationSet(this, 'EmailConfigurationSet', {
          sendingOptions: { sendingEnabled: true },
          reputationOptions: { reputationMetricsEnabled: true },
        });
        new ses.CfnConfigurationSetEventDestination(this, 'EmailEvents', {
          configurationSetName: set.ref,
          eventDestination: {
            name: 'orca-eventbridge',
            enabled: true,
            matchingEventTypes: [...SES_EVENT_TYPES],
            eventBridgeDestination: {
              eventBusArn: `arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`,
            },
          },
        });
        this.emailConfigurationSet = set.ref;
      }
    }
    const origination = sms ? parseOriginationIdentity(sms.originationIdentity) : undefined;
    if (origination && 'error' in origination) throw new ChannelSettingsInvalid(origination.error);
    if (sms) {
      this.smsEventsTopic = this.smsTopic(props.topicKey);
      this.smsConfigurationSet =
        sms.configurationSet ??
        new smsvoice.CfnConfigurationSet(this, 'SmsConfigurationSet', {
          eventDestinations: [
            {
              eventDestinationName: 'orca-sns',
              enabled: true,
              matchingEventTypes: [...SMS_EVENT_TYPES],
              snsDestination: { topicArn: this.smsEventsTopic.topicArn },
            },
          ],
        }).ref;
      if (sms.pricePerMessage !== undefined)
        new CfnOutput(this, 'SmsPricePerMessage', {
          value: String(sms.pricePerMessage),
          description: 'USD per SMS message part: orca cost --sms-price <this>',
        });
    }
    const endpoints = push ? platformEndpointsArn(push.platformApplicationArn) : undefined;
    if (typeof endpoints === 'object') throw new ChannelSettingsInvalid(endpoints.error);

    const common = {
      table: props.table,
      catalogJson: props.catalogJson,
      logRetention: props.logRetention,
      removalPolicy,
    };
    const identities = {
      ...(email ? { ORCA_SES_IDENTITY: email.identity, ORCA_SES_CONFIGURATION_SET: this.emailConfigurationSet! } : {}),
      ...(sms
        ? {
            ORCA_SMS_ORIGINATION_IDENTITY: sms.originationIdentity,
            ORCA_SMS_CONFIGURATION_SET: this.smsConfigurationSet!,
          }
        : {}),
      ...(push ? { ORCA_PUSH_PLATFORM_APPLICATION: push.platformApplicationArn } : {}),
    };
    const linkEnv = { ORCA_BUCKET: props.bucket.bucketName, ORCA_LINK_SECRET_ARN: this.linkSecret.secretArn };

    // The chunk sender: it stops a minute before its time budget (Orca.ChunkContinue), so the
    // 15 minutes Lambda allows are never reached.
    this.send = orcaFunction(this, 'Send', {
      ...common,
      entry: 'send',
      description: 'orca: sends one chunk of a channel activity',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      // The orchestrator's deps name the query engine's database and workgroup; the chunk step
      // runs no query (it reads the status table and the bucket), so no Athena grant goes with them.
      environment: { ...queryEnvironment(props), ...linkEnv, ...identities },
    });
    this.events = orcaFunction(this, 'Events', {
      ...common,
      entry: 'events',
      description: 'orca: records delivery events (deliveries, bounces, complaints, opens, clicks)',
      timeout: Duration.seconds(60),
      memorySize: 512,
      // It writes opt-outs; it signs no link (no link secret).
      environment: { ORCA_BUCKET: props.bucket.bucketName },
    });

    // The send function: the message table's chunks (work/), the message log, the providers.
    const send = this.send.role!;
    send.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects('work/*')] }),
    );
    acknowledgeWildcards(send, [
      {
        resource: `${arnRef(props.bucket)}/work/*`,
        reason: 'The message tables of runs (work/<campaign>/<run>/…), read a chunk at a time.',
      },
    ]);
    this.grantWrite(send, MESSAGES_PREFIX, 'The message log: one file per chunk, under channel= and day= folders.');
    this.linkSecret.grantRead(this.send);
    if (email) {
      // "Service Authorization Reference — Amazon SES v2": SendEmail's resource types are identity
      // (required), configuration-set and template; orca sends no stored template.
      send.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            sesIdentityArn(where, email.identity),
            sesConfigurationSetArn(where, this.emailConfigurationSet!),
          ],
        }),
      );
    }
    if (sms && origination && !('error' in origination)) {
      // "Service Authorization Reference — AWS End User Messaging SMS and Voice V2": SendTextMessage
      // on the origination identity (phone number, pool or sender ID) and the configuration set.
      send.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sms-voice:SendTextMessage'],
          resources: [
            originationIdentityArn(where, origination),
            smsConfigurationSetArn(where, this.smsConfigurationSet!),
          ],
        }),
      );
    }
    if (typeof endpoints === 'string') {
      // Publish to a TargetArn is authorized on the endpoint (one per device token, created by the user).
      send.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [endpoints] }));
      acknowledgeWildcards(send, [
        {
          resource: endpoints,
          reason: 'The platform application’s endpoints: one per device, created with the application’s device tokens.',
        },
      ]);
    }

    // The events function: the status table (per-message times, counters), the opt-outs it records
    // for bounces and complaints.
    this.grantWrite(this.events.role!, OPTOUTS_PREFIX, 'Opt-out files (bounces, complaints), one per event batch.');
    if (this.emailConfigurationSet) {
      this.emailRule = new events.Rule(this, 'EmailEventsRule', {
        description: 'orca: SES events of its configuration set to the events function',
        eventPattern: {
          source: ['aws.ses'],
          detailType: [...SES_DETAIL_TYPES],
          // Every event's mail.tags carries its configuration set ("Amazon SES Developer Guide —
          // Contents of event data that Amazon SES publishes": the ses:configuration-set auto-tag).
          detail: { mail: { tags: { 'ses:configuration-set': [this.emailConfigurationSet] } } },
        },
        targets: [new targets.LambdaFunction(this.events)],
      });
    }
    this.smsEventsTopic?.addSubscription(new subscriptions.LambdaSubscription(this.events));

    // The lake tables (Athena reads them; the prepare query anti-joins the opt-outs and counts the
    // messages of the last days for the frequency cap).
    this.messagesTable = this.lakeTable('MessagesTable', props, {
      name: 'orca_messages',
      description: 'orca: one row per message sent (or not), per attempt of its chunk',
      prefix: MESSAGES_PREFIX,
      columns: MESSAGE_COLUMNS,
    });
    this.optoutsTable = this.lakeTable('OptoutsTable', props, {
      name: 'orca_optouts',
      description: 'orca: unsubscribes, bounces and complaints, per channel and address',
      prefix: OPTOUTS_PREFIX,
      columns: OPTOUT_COLUMNS,
    });
  }

  /**
   * What the orchestrator's steps of a channel activity touch besides the status table: the control
   * function's prepared step counts the message table (an Athena query) and writes its manifest
   * (work/). The record function's sent step reads the ledger (the status table) and clears the
   * output query's target (work/<campaign>/<run>/<activity>/outputs, its w_ table) before returning
   * that query: the state machine runs it, as its role (which reads channels/ and the lake
   * tables), so the record function needs no grant on the message log.
   */
  grantOrchestrator(o: {
    control: NodejsFunction;
    record: NodejsFunction;
    bucket: s3.IBucket;
    databaseName: string;
    workGroupName: string;
  }): void {
    const control = o.control.role!;
    grantWorkTableQueries(control, {
      ...o,
      athenaActions: QUERY_ACTIONS,
      glueActions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
    });
    control.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [o.bucket.arnForObjects('work/*')] }),
    );
    grantDeleteUnder(
      o.record.role!,
      o.bucket,
      ['work/'],
      () => 'The sent step clears its output query’s folder (work/<campaign>/<run>/<activity>/outputs) first.',
    );
  }

  /**
   * The SMS events topic: encrypted with orca's topic key, TLS only, published to by End User
   * Messaging for this account only ("AWS End User Messaging SMS User Guide — Create an Amazon SNS
   * event destination": the topic policy lets sms-voice.amazonaws.com publish; an encrypted topic's
   * key lets it use the key).
   */
  private smsTopic(key: kms.Key): sns.Topic {
    const stack = Stack.of(this);
    const topic = new sns.Topic(this, 'SmsEventsTopic', {
      displayName: 'orca SMS delivery events',
      masterKey: key,
      enforceSSL: true,
    });
    const service = new iam.ServicePrincipal('sms-voice.amazonaws.com');
    const sameAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SmsVoicePublishesDeliveryEvents',
        principals: [service],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: sameAccount,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SmsVoicePublishesToEncryptedTopics',
        principals: [service],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: sameAccount,
      }),
    );
    new CfnOutput(this, 'SmsEventsTopicArn', {
      value: topic.topicArn,
      description: 'SMS delivery events: the SNS destination of the End User Messaging configuration set',
    });
    return topic;
  }

  /** PutObject under one prefix of the data bucket (the wildcard acknowledged with its reason). */
  private grantWrite(role: iam.IRole, prefix: string, reason: string): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    acknowledgeWildcards(role, [{ resource: `${arnRef(this.bucket)}/${prefix}*`, reason }]);
  }

  /**
   * A JSON-lines table (org.openx.data.jsonserde.JsonSerDe) partitioned by channel and day, with
   * partition projection ("Amazon Athena User Guide — Partition projection": enum and date types,
   * storage.location.template), so no partition is ever added: a new day's folder is read at once.
   */
  private lakeTable(
    id: string,
    props: OrcaChannelsProps,
    t: { name: string; description: string; prefix: string; columns: readonly string[] },
  ): glue.CfnTable {
    const location = props.bucket.s3UrlForObject(t.prefix);
    return new glue.CfnTable(this, id, {
      catalogId: Stack.of(this).account,
      databaseName: props.databaseName,
      tableInput: {
        name: t.name,
        description: t.description,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.channel.type': 'enum',
          'projection.channel.values': CHANNELS.join(','),
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': `${LAKE_FIRST_DAY},NOW`,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'storage.location.template': `${location}channel=\${channel}/day=\${day}/`,
        },
        partitionKeys: [
          { name: 'channel', type: 'string' },
          { name: 'day', type: 'string' },
        ],
        storageDescriptor: {
          columns: t.columns.map((name) => ({ name, type: 'string' })),
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
  }

  /**
   * The public routes on the HTTP API, without authorization and with their own throttling; the
   * API function reads the link secret and records unsubscribes; the send function gets the
   * API's URL for its links.
   *
   * No dependency cycle: the URL is built from the API's id (the AWS::ApiGatewayV2::Api resource,
   * which depends on nothing), not from its stage or routes, which depend on the API function.
   */
  connectApi(api: { api: apigw.HttpApi; stage: apigw.HttpStage; handler: NodejsFunction }): void {
    const integration = new HttpLambdaIntegration('Public', api.handler);
    const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const r of PUBLIC_ROUTES) {
      const routes = api.api.addRoutes({
        path: r.path,
        methods: [...r.methods],
        integration,
        authorizer: new apigw.HttpNoneAuthorizer(),
      });
      for (const [i, route] of routes.entries()) {
        settings[`${r.methods[i]} ${r.path}`] = {
          ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit,
          ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit,
        };
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'A public link in a message (unsubscribe, open pixel, click redirect): recipients have no AWS credentials; the signed token in the path is the authorization.',
        });
      }
    }
    (api.stage.node.defaultChild as apigw.CfnStage).routeSettings = settings;
    this.grantWrite(api.handler.role!, OPTOUTS_PREFIX, 'Opt-out files (unsubscribes), one per request.');
    this.linkSecret.grantRead(api.handler);
    api.handler.addEnvironment('ORCA_LINK_SECRET_ARN', this.linkSecret.secretArn);
    // The machines the API publishes call the send function as the deployed ones do.
    api.handler.addEnvironment('ORCA_SEND_FUNCTION', this.send.functionArn);
    if (this.emailIdentity) {
      // Publication checks email throttles against SES's sending rate (GetAccount
      // SendQuota.MaxSendRate, lambdas/api/quota-warnings.ts); GetAccount has no resource type
      // ("Service Authorization Reference — Amazon SES v2"): "*".
      api.handler.addEnvironment('ORCA_SES_IDENTITY', this.emailIdentity);
      api.handler.addEnvironment('ORCA_SES_CONFIGURATION_SET', this.emailConfigurationSet!);
      api.handler.role!.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }),
      );
      Validations.of(api.handler.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ses:GetAccount (the sending quota, checked at publication) has no resource type (Service Authorization Reference, Amazon SES v2); X-Ray tracing and log delivery actions likewise.',
      });
    }
    const stack = Stack.of(this);
    this.send.addEnvironment(
      'ORCA_PUBLIC_URL',
      `https://${api.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}/`,
    );
  }
}
