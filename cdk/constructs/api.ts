/**
 * The orca HTTP API in the cloud: an API Gateway HTTP API with IAM authorization (callers sign
 * with SigV4; `orca` CLI does) in front of one function running the same router and campaign
 * service as `orca serve`. Publishing through it creates state machine versions (`orca-<id>`,
 * sharing the campaign machines' role) and EventBridge Scheduler schedules. Campaigns deployed as
 * code are recorded in the status table by a custom resource each, so the API lists, starts and
 * watches them; it never changes them.
 */
import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeWildcards, arnRef } from '../nag.js';
import { QUERY_LIMITS } from '../../lambdas/entry/deadlines.js';
import type { CompiledCampaign } from '../campaigns.js';
import {
  accountArn,
  deploymentLogGroupName,
  grantWorkTableQueries,
  LOG_DELIVERY_ACTIONS,
  orcaFunction,
  QUERY_ACTIONS,
  queryEnvironment,
} from './functions.js';

export interface OrcaApiProps {
  campaigns: CompiledCampaign[];
  machines: Map<string, sfn.IStateMachine>;
  /** The role the campaign machines share; machines published through the API use it too. */
  machineRole: iam.IRole;
  functions: { control: NodejsFunction; gate: NodejsFunction; record: NodejsFunction };
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  databaseName: string;
  workGroupName: string;
  catalogJson: string;
  /** Requests per second the API accepts (steady rate; bursts up to twice that). */
  rateLimit: number;
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy | undefined;
}

const MACHINES = 'stateMachine:orca-*';

/**
 * The stage's access log line, JSON, with HTTP API logging variables only (CDK's default CLF format
 * has $context.resourcePath, a REST API variable that HTTP API stages reject).
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

/** The headers of the console's signed requests (SigV4 with temporary credentials, and the body's type). */
export const CONSOLE_REQUEST_HEADERS = [
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'content-type',
];

export class OrcaApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly handler: NodejsFunction;
  readonly register: NodejsFunction;
  /** Runs API-published schedules. */
  readonly schedulerRole: iam.Role;
  /** Where machines published through the API log. */
  readonly machineLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrcaApiProps) {
    super(scope, id);
    const arn = (service: string, resource: string) => accountArn(this, service, resource);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = {
      table: props.table,
      catalogJson: props.catalogJson,
      logRetention: props.logRetention,
      removalPolicy,
    };

    this.machineLogs = new logs.LogGroup(this, 'MachineLogs', {
      logGroupName: deploymentLogGroupName(this, 'orca-api'),
      retention: props.logRetention,
      removalPolicy,
    });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler starting campaigns published through the orca API',
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [arn('states', MACHINES), arn('states', `${MACHINES}:*`)],
      }),
    );

    this.handler = orcaFunction(this, 'Handler', {
      ...common,
      entry: 'api',
      description: 'orca: the HTTP API (campaigns, runs, monitoring)',
      timeout: Duration.seconds(QUERY_LIMITS.api.timeoutSeconds),
      memorySize: 1024,
      environment: {
        ...queryEnvironment(props),
        ORCA_MACHINE_ROLE: props.machineRole.roleArn,
        ORCA_SCHEDULER_ROLE: this.schedulerRole.roleArn,
        ORCA_MACHINE_LOGS: `${this.machineLogs.logGroupArn}`,
        ORCA_CONTROL_FUNCTION: props.functions.control.functionArn,
        ORCA_GATE_FUNCTION: props.functions.gate.functionArn,
        ORCA_RECORD_FUNCTION: props.functions.record.functionArn,
      },
    });
    const role = this.handler.role!;
    // Publishing: orca's machines (created, updated, versioned, tagged as the API's), their schedules.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'states:CreateStateMachine',
          'states:UpdateStateMachine',
          'states:DeleteStateMachine',
          'states:PublishStateMachineVersion',
          'states:ListTagsForResource',
          'states:TagResource',
          'states:StartExecution',
        ],
        resources: [arn('states', MACHINES), arn('states', `${MACHINES}:*`)],
      }),
    );
    role.addToPrincipalPolicy(
      // Stopping a run: the execution, and its history, which names its queries in flight (cancelled too).
      new iam.PolicyStatement({
        actions: ['states:StopExecution', 'states:GetExecutionHistory'],
        resources: [arn('states', 'execution:orca-*:*')],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [props.machineRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [arn('scheduler', 'schedule/default/orca-*')],
      }),
    );
    // Machines created with logging set up their log delivery as the caller.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: LOG_DELIVERY_ACTIONS, resources: ['*'] }));
    // Resuming wakes parked gates; stopping cancels the run's queries; previews read work tables.
    props.functions.gate.grantInvoke(this.handler);
    grantWorkTableQueries(role, {
      ...props,
      athenaActions: [...QUERY_ACTIONS, 'athena:BatchGetQueryExecution'],
      glueActions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
    });
    const stateMachines = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:${MACHINES}`;
    acknowledgeWildcards(role, [
      {
        resource: stateMachines,
        reason:
          'Campaign machines (orca-<campaign>) the API creates when campaigns are published; their names are not known at deploy time.',
      },
      { resource: `${stateMachines}:*`, reason: 'Versions of the campaign machines: each publication is a version.' },
      {
        resource: 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:orca-*:*',
        reason: 'Executions (runs) of campaign machines, stopped through the API.',
      },
      {
        resource: 'arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/default/orca-*',
        reason: 'Schedules of campaigns published through the API, named after their machine.',
      },
      {
        resource: `${arnRef(props.functions.gate)}:*`,
        reason: 'Versions and aliases of orca’s gate function (woken on resume).',
      },
    ]);
    acknowledgeWildcards(this.schedulerRole, [
      { resource: stateMachines, reason: 'Campaign machines the API creates when campaigns are published.' },
      { resource: `${stateMachines}:*`, reason: 'The published versions schedules start.' },
    ]);

    // Campaigns deployed as code, recorded so the API knows them.
    this.register = orcaFunction(this, 'Register', {
      ...common,
      entry: 'register',
      description: 'orca: records campaigns deployed as code in the status table',
      timeout: Duration.seconds(30),
      memorySize: 256,
      environment: {},
    });
    for (const c of props.campaigns) {
      const machine = props.machines.get(c.id)!;
      new CustomResource(this, `Campaign-${c.id}`, {
        serviceToken: this.register.functionArn,
        resourceType: 'Custom::OrcaCampaign',
        properties: { Definition: JSON.stringify(c.document), Machine: machine.stateMachineArn },
      });
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'orca: campaigns, runs and their monitoring (IAM authorization: sign requests with SigV4)',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Handler', this.handler),
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    this.stage = this.api.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.rateLimit * 2 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
  }

  /**
   * CORS for the web console: its origin alone, the methods of the routes, and the headers a SigV4
   * signed request carries; API Gateway adds them to the integration's answers ("Amazon API Gateway
   * Developer Guide — Configure CORS for HTTP APIs"). The $default route (IAM) would also catch the
   * preflight, which a browser sends without credentials: as that guide says for a $default route
   * with authorization, an `OPTIONS /{proxy+}` route without it answers the preflight (the function
   * answers 204). Without a console, no CORS at all.
   */
  allowOrigin(origin: string): void {
    (this.api.node.defaultChild as apigw.CfnApi).corsConfiguration = {
      allowOrigins: [origin],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowHeaders: CONSOLE_REQUEST_HEADERS,
      maxAge: 600,
    };
    const [preflight] = this.api.addRoutes({
      path: '/{proxy+}',
      methods: [apigw.HttpMethod.OPTIONS],
      integration: new HttpLambdaIntegration('Preflight', this.handler),
      authorizer: new apigw.HttpNoneAuthorizer(),
    });
    Validations.of(preflight!).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The CORS preflight of the web console: a browser sends it without credentials (Fetch Standard: a CORS-preflight request never includes them); it answers 204 with no data.',
    });
  }

  /** The base URL (https://<id>.execute-api.<region>.amazonaws.com/). */
  get url(): string {
    return this.stage.url;
  }
}
