/**
 * IAM, call by call: every AWS call each function and each state machine makes, evaluated with an
 * IAM policy simulator (@cloud-copilot/iam-simulate) against the synthesized roles' policies,
 * resolved to the concrete ARNs of a deployment (account 123456789012, eu-west-1).
 *
 * - Functions: the SDK commands their adapters send (recorded with aws-sdk-client-mock, the clients
 *   built from each function's synthesized environment), mapped to IAM requests (helpers/iam/calls.ts).
 * - State machines: the service integrations of the compiled ASL ("AWS Step Functions Developer
 *   Guide — IAM policies for Athena", "— for Lambda", "— X-Ray", "— Logging using CloudWatch Logs").
 *
 * Every call must be allowed; the grants no call uses are listed and must equal UNUSED_GRANTS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListQueryExecutionsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BatchDeleteTableCommand, GetTableCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readDocument } from '../lambdas/util/files.js';
import { stateMachineName } from '../lambdas/util/names.js';

const EXAMPLES = join(import.meta.dirname, '../examples');
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  UpdateStateMachineCommand,
  GetExecutionHistoryCommand,
} from '@aws-sdk/client-sfn';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetAccountCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { awsChannels, awsDeps } from '../lambdas/entry/aws.js';
import { manifestKey } from '../lambdas/orchestrator/send.js';
import type { ChunkRef } from '../lambdas/ports/ledger.js';
import type { OutgoingMessage } from '../lambdas/ports/channel.js';
import { CloudPlatform } from '../lambdas/adapters/cloud-platform.js';
import { SfnCallbacks } from '../lambdas/adapters/cloud-control.js';
import { awsProviders } from '../lambdas/adapters/providers.js';
import { S3ObjectStore } from '../lambdas/adapters/s3-object-store.js';
import type { DynamoDbStore } from '../lambdas/adapters/dynamodb-store.js';
import type { CampaignRecord, RunRecord, TransitionRecord } from '../lambdas/ports/store.js';
import type { StateMachineDefinition } from '../statemachines/asl.js';
import { orcaTemplate } from '../cdk/rules/template.js';
import { tinyCatalogDoc } from './fixtures/tiny.js';
import { type CfnTemplate, DEPLOYMENT, type Json, ResolvedTemplate } from './helpers/iam/template.js';
import { type Deployment, glueCalls, type IamCall, sdkCalls } from './helpers/iam/calls.js';
import { RoleSimulator, type Verdict } from './helpers/iam/simulate.js';
import { apiRoutes, CONSOLE_ROLES, type ConsoleRole, roleOf } from '../cdk/constructs/console-roles.js';
import { apiImportCalls, importFunctionCalls } from './helpers/iam/import-calls.js';
import { exportFunctionCalls } from './helpers/iam/export-calls.js';

/**
 * Calls denied today because of findings of issue 9 that others are fixing: the key is
 * `<role> <action> <resource>`, the value the finding. The lead empties this list after merging
 * the fixes; a fixed call still listed here fails the test (so the list cannot go stale).
 */
const EXPECTED_DENIED_UNTIL_FIXED: Record<string, string> = {};

/**
 * Grants no recorded call uses. Each is kept for a reason; a new unused grant fails the test until
 * it is used, removed, or listed here with its reason.
 */
const UNUSED_GRANTS: Record<string, string> = {
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:BatchGetItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:BatchWriteItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:ConditionCheckItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:ConditionCheckItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:DeleteItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:DescribeTable on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:DescribeTable on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:GetItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:GetRecords on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:GetRecords on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:GetShardIterator on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:GetShardIterator on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:PutItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:Scan on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:Scan on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Control,Gate,Handler,ImportsExport,ImportsImport,PurgePurge,Record,Register: dynamodb:UpdateItem on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ChannelsSend,Handler: secretsmanager:DescribeSecret on secretsmanager:secret:OrcaChannelsLinkSecretEF812F4D-AbCdEf':
    'grantRead grants DescribeSecret with GetSecretValue; the link secret is read with GetSecretValue only',
  'ChannelsSend: s3:AbortMultipartUpload on s3:::<bucket>/channels/messages/*':
    'the message log is written with one PutObject per chunk (no multipart upload to abort)',
  'ChannelsSend: sns:Publish on sns:endpoint/GCM/orca-app/*':
    'push: the simulator has no resource type for platform endpoints (the Service Authorization Reference lists SNS topics only), so the Publish call is not simulated here',
  'Control,Gate,Handler,ImportsExport,Record: glue:GetDatabase on glue:table/orca/a_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Gate,Handler,Record: glue:GetDatabase on glue:table/orca/h_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Gate,Handler,Record: glue:GetDatabase on glue:table/orca/w_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Gate,Handler,Record: glue:GetTable on glue:table/orca/a_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Gate,Handler,Record: glue:GetTable on glue:table/orca/h_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,ImportsExport,ImportsImport,Record: s3:AbortMultipartUpload on s3:::<bucket>/athena-results/*':
    'granted for a path the recorded calls do not exercise (review)',
  'Control,Handler,Record,machines: s3:GetObject on s3:::<bucket>/state/*':
    'granted for a path the recorded calls do not exercise (review)',
  'Control,Handler,Record: glue:GetDatabase on glue:table/orca/t_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetPartitions on glue:catalog':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetPartitions on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetPartitions on glue:table/orca/a_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetPartitions on glue:table/orca/h_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetPartitions on glue:table/orca/t_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetPartitions on glue:table/orca/w_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: glue:GetTable on glue:table/orca/t_*':
    'a shared statement grants each action on catalog, database and tables',
  'Control,Handler,Record: s3:GetObject on s3:::<bucket>/audiences/*':
    'granted for a path the recorded calls do not exercise (review)',
  'Control,Handler,Record: s3:GetObject on s3:::<bucket>/work/*':
    'granted for a path the recorded calls do not exercise (review)',
  'Control,ImportsExport,ImportsImport,Record: athena:StopQueryExecution on athena:workgroup/orca':
    'granted for a path the recorded calls do not exercise (review)',
  'Gate,Record: glue:CreateTable on glue:table/orca/a_*':
    'a shared statement grants each action on catalog, database and tables',
  'Gate,Record: glue:CreateTable on glue:table/orca/h_*':
    'a shared statement grants each action on catalog, database and tables',
  'Gate,Record: glue:CreateTable on glue:table/orca/w_*':
    'a shared statement grants each action on catalog, database and tables',
  'Gate,Record: glue:DeleteTable on glue:table/orca/h_*':
    'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetDatabase on glue:catalog': 'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetDatabase on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetDatabase on glue:table/orca/csv_*':
    'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetTable on glue:catalog': 'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetTable on glue:database/orca': 'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetTable on glue:table/orca/csv_*':
    'a shared statement grants each action on catalog, database and tables',
  'Gate: glue:GetTable on glue:table/orca/w_*': 'a shared statement grants each action on catalog, database and tables',
  'Gate: kms:Decrypt on kms:key/orcatopickey6ae7f64c-key-id':
    'SNS asks for the topic key when the gate publishes an alert (a call the simulator does not model)',
  'Gate: kms:GenerateDataKey* on kms:key/orcatopickey6ae7f64c-key-id':
    'SNS asks for the topic key when the gate publishes an alert (a call the simulator does not model)',
  'Gate: s3:AbortMultipartUpload on s3:::<bucket>/work/*':
    'granted for a path the recorded calls do not exercise (review)',
  'Gate: s3:DeleteObject on s3:::<bucket>/state/*': 'granted for a path the recorded calls do not exercise (review)',
  'Gate: states:SendTaskHeartbeat on *': 'task tokens: the gate may send heartbeats (no call does yet)',
  'Handler,machines: lambda:InvokeFunction on lambda:function:<Gate>:*':
    'versions and aliases: the ASL invokes $LATEST',
  'Handler: logs:DeleteLogDelivery on *': 'granted for a path the recorded calls do not exercise (review)',
  'Handler: s3:AbortMultipartUpload on s3:::<bucket>/channels/optouts/*':
    'an opt-out file is one PutObject (no multipart upload to abort)',
  'Handler: scheduler:UpdateSchedule on scheduler:schedule/default/orca-*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:CreateStateMachine on states:stateMachine:orca-*:*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:DeleteStateMachine on states:stateMachine:orca-*:*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:ListTagsForResource on states:stateMachine:orca-*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:ListTagsForResource on states:stateMachine:orca-*:*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:PublishStateMachineVersion on states:stateMachine:orca-*:*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:TagResource on states:stateMachine:orca-*:*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:UpdateStateMachine on states:stateMachine:orca-*':
    'granted for a path the recorded calls do not exercise (review)',
  'Handler: states:UpdateStateMachine on states:stateMachine:orca-*:*':
    'granted for a path the recorded calls do not exercise (review)',
  'ImportsExport,ImportsImport,PurgePurge: dynamodb:BatchGetItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ImportsExport,ImportsImport,PurgePurge: dynamodb:BatchWriteItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ImportsExport,ImportsImport,PurgePurge: dynamodb:DeleteItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ImportsExport,ImportsImport,PurgePurge: dynamodb:Query on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ImportsExport,ImportsImport,PurgePurge: dynamodb:Query on dynamodb:table/<table>/index/*':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'ImportsExport,ImportsImport: glue:GetPartitions on glue:table/orca/products':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport: glue:GetPartitions on glue:table/orca/purchases':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport: glue:GetPartitions on glue:table/orca/subscriptions':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'Handler,ImportsExport,ImportsImport,Record: glue:GetTable on glue:table/orca/products':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'Handler,ImportsExport,ImportsImport,Record: glue:GetTable on glue:table/orca/purchases':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'Handler,ImportsExport,ImportsImport,Record: glue:GetTable on glue:table/orca/subscriptions':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'Handler,ImportsImport,Record: glue:UpdateTable on glue:table/orca/products':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'Handler,ImportsImport,Record: glue:UpdateTable on glue:table/orca/purchases':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'Handler,ImportsImport,Record: glue:UpdateTable on glue:table/orca/subscriptions':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:AbortMultipartUpload on s3:::<bucket>/versions/products/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:AbortMultipartUpload on s3:::<bucket>/versions/purchases/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:AbortMultipartUpload on s3:::<bucket>/versions/subscriptions/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,Record: s3:DeleteObject on s3:::<bucket>/versions/products/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,Record: s3:DeleteObject on s3:::<bucket>/versions/purchases/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,Record: s3:DeleteObject on s3:::<bucket>/versions/subscriptions/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport: s3:GetObject on s3:::<bucket>/catalog/products/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport: s3:GetObject on s3:::<bucket>/catalog/purchases/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport: s3:GetObject on s3:::<bucket>/catalog/recipients/*':
    'a table no job swapped yet is read from its catalog folder; the simulated job reads its current version under versions/',
  'ImportsExport,ImportsImport: s3:GetObject on s3:::<bucket>/catalog/subscriptions/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport,machines: s3:GetObject on s3:::<bucket>/versions/products/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport,machines: s3:GetObject on s3:::<bucket>/versions/purchases/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsExport,ImportsImport,machines: s3:GetObject on s3:::<bucket>/versions/subscriptions/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:ListMultipartUploadParts on s3:::<bucket>/versions/products/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:ListMultipartUploadParts on s3:::<bucket>/versions/purchases/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:ListMultipartUploadParts on s3:::<bucket>/versions/subscriptions/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:PutObject on s3:::<bucket>/versions/products/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:PutObject on s3:::<bucket>/versions/purchases/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'ImportsImport,machines: s3:PutObject on s3:::<bucket>/versions/subscriptions/*':
    'one statement per grant names every catalog table: the simulated job imports into recipients only',
  'PurgePurge,Record: glue:DeleteTable on glue:table/orca/a_*':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge,machines: glue:GetTables on glue:table/orca/*':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: dynamodb:GetItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'PurgePurge: dynamodb:PutItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'PurgePurge: dynamodb:UpdateItem on dynamodb:table/<table>':
    "CDK's grantReadWriteData set (the store uses fewer actions)",
  'PurgePurge: glue:BatchDeleteTable on glue:table/orca/a_*':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: glue:BatchDeleteTable on glue:table/orca/t_*':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: glue:DeleteTable on glue:catalog':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: glue:DeleteTable on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: glue:DeleteTable on glue:table/orca/t_*':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: glue:DeleteTable on glue:table/orca/w_*':
    'a shared statement grants each action on catalog, database and tables',
  'PurgePurge: s3:DeleteObject on s3:::<bucket>/audiences/*':
    'granted for a path the recorded calls do not exercise (review)',
  'machines: glue:BatchGetPartition on glue:catalog':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:BatchGetPartition on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:BatchGetPartition on glue:table/orca/*':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:CreatePartition on glue:catalog':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:CreatePartition on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:CreatePartition on glue:table/orca/*':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:GetDatabase on glue:table/orca/*':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:GetPartition on glue:catalog':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:GetPartition on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:GetPartition on glue:table/orca/*':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:GetTables on glue:catalog': 'a shared statement grants each action on catalog, database and tables',
  'machines: glue:GetTables on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:UpdatePartition on glue:catalog':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:UpdatePartition on glue:database/orca':
    'a shared statement grants each action on catalog, database and tables',
  'machines: glue:UpdatePartition on glue:table/orca/*':
    'a shared statement grants each action on catalog, database and tables',
  'machines: lambda:InvokeFunction on lambda:function:<Control>:*': 'versions and aliases: the ASL invokes $LATEST',
  'machines: lambda:InvokeFunction on lambda:function:<Record>:*': 'versions and aliases: the ASL invokes $LATEST',
  'machines: lambda:InvokeFunction on lambda:function:OrcaChannelsSend63E84844:*':
    'versions and aliases: the ASL invokes $LATEST',
  'machines: s3:AbortMultipartUpload on s3:::<bucket>/state/*':
    'granted for a path the recorded calls do not exercise (review)',
  'machines: s3:ListMultipartUploadParts on s3:::<bucket>/state/*':
    'granted for a path the recorded calls do not exercise (review)',
  'machines: s3:PutObject on s3:::<bucket>/state/*': 'granted for a path the recorded calls do not exercise (review)',
  'ImportsExport: glue:GetDatabase on glue:table/orca/products':
    'a shared statement grants each action on catalog, database and tables',
  'ImportsExport: glue:GetDatabase on glue:table/orca/purchases':
    'a shared statement grants each action on catalog, database and tables',
  'ImportsExport: glue:GetDatabase on glue:table/orca/recipients':
    'a shared statement grants each action on catalog, database and tables',
  'ImportsExport: glue:GetDatabase on glue:table/orca/subscriptions':
    'a shared statement grants each action on catalog, database and tables',
};

/** A grant with the deployment's names replaced by what they are. */
function shorten(grant: string): string {
  return grant
    .replaceAll(`arn:aws:`, '')
    .replaceAll(`${DEPLOYMENT.region}:${DEPLOYMENT.account}:`, '')
    .replaceAll(deployment.bucket, '<bucket>')
    .replaceAll(deployment.table, '<table>')
    .replace(/log-group:[A-Za-z0-9]+:/, 'log-group:<own>:')
    .replace(/function:OrcaFunctions([A-Za-z]+?)[0-9A-F]{8}/, 'function:<$1>');
}

// --- the deployment -------------------------------------------------------------------------

let t: ResolvedTemplate;
let deployment: Deployment;
const simulators = new Map<string, RoleSimulator>();
const verdicts: Array<Verdict & { who: string }> = [];

/** The function whose logical id starts with a prefix: its environment and its role's simulator. */
function fn(prefix: string) {
  const id = t.id('AWS::Lambda::Function', prefix);
  const env = t.resolve(t.template.Resources[id]!.Properties!.Environment as Json) as {
    Variables: Record<string, string>;
  };
  return { id, env: env.Variables, role: t.roleOf(id) };
}

function simulator(roleId: string): RoleSimulator {
  let s = simulators.get(roleId);
  if (!s) {
    const bucketId = t.id('AWS::S3::Bucket', 'OrcaDataBucket');
    const bucketPolicy = t.resourcePolicy('AWS::S3::BucketPolicy', 'Bucket', bucketId);
    s = new RoleSimulator(
      t.getAtt(roleId, 'Arn'),
      t.rolePolicies(roleId),
      bucketPolicy ? [{ prefix: t.getAtt(bucketId, 'Arn'), policy: bucketPolicy }] : [],
    );
    simulators.set(roleId, s);
  }
  return s;
}

/**
 * What the Lambda runtime does as the function's role: its log streams ("AWS Lambda Developer Guide —
 * Lambda execution role": logs:CreateLogStream, logs:PutLogEvents) and its traces ("— Visualize
 * Lambda function invocations using AWS X-Ray": xray:PutTraceSegments, xray:PutTelemetryRecords).
 */
function runtimeCalls(functionId: string): IamCall[] {
  const config = t.resolve(t.template.Resources[functionId]!.Properties!.LoggingConfig ?? {}) as { LogGroup?: string };
  const group = config.LogGroup ?? `/aws/lambda/${t.name(functionId)}`;
  const stream = `arn:aws:logs:${DEPLOYMENT.region}:${DEPLOYMENT.account}:log-group:${group}:log-stream:2026/11/22/[$LATEST]0`;
  const source = `${functionId} runtime`;
  return [
    { action: 'logs:CreateLogStream', resource: stream, source },
    { action: 'logs:PutLogEvents', resource: stream, source },
    { action: 'xray:PutTraceSegments', resource: '*', source },
    { action: 'xray:PutTelemetryRecords', resource: '*', source },
  ];
}

async function check(who: string, roleId: string, calls: IamCall[]): Promise<void> {
  const sim = simulator(roleId);
  for (const call of calls) verdicts.push({ ...(await sim.evaluate(call)), who });
}

const roleLabel = (roleId: string) =>
  roleId.startsWith('OrcaCampaignsRole')
    ? 'machines'
    : roleId.replace(/^Orca(Functions|Api)?/, '').replace(/Role.*$/, '');

beforeAll(() => {
  // The stack the rule tests read (cdk/rules), synthesized once per worker.
  t = new ResolvedTemplate(orcaTemplate().template.toJSON() as CfnTemplate);
  const env = fn('OrcaFunctionsRecord').env;
  deployment = {
    bucket: env.ORCA_BUCKET!,
    table: env.ORCA_TABLE!,
    database: env.ORCA_DATABASE!,
    workGroup: env.ORCA_WORKGROUP!,
  };
});

// --- recording the SDK commands ---------------------------------------------------------------

const mocks = {
  athena: mockClient(AthenaClient),
  glue: mockClient(GlueClient),
  s3: mockClient(S3Client),
  sfn: mockClient(SFNClient),
  scheduler: mockClient(SchedulerClient),
  lambda: mockClient(LambdaClient),
  sns: mockClient(SNSClient),
  ses: mockClient(SESv2Client),
  sms: mockClient(PinpointSMSVoiceV2Client),
  dynamodb: mockClient(DynamoDBClient),
  document: mockClient(DynamoDBDocumentClient),
};
const savedEnv = { ...process.env };
afterAll(() => {
  process.env = savedEnv;
  for (const m of Object.values(mocks)) m.restore();
});

function resetMocks(): void {
  for (const m of Object.values(mocks)) m.reset();
  mocks.athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
  mocks.athena
    .on(GetQueryExecutionCommand)
    .resolves({ QueryExecution: { QueryExecutionId: 'q1', Status: { State: 'SUCCEEDED' } } });
  mocks.athena.on(GetQueryResultsCommand).resolves({
    ResultSet: {
      Rows: [
        { Data: [{ VarCharValue: 'orca_output' }, { VarCharValue: '_col1' }] },
        { Data: [{ VarCharValue: 'main' }, { VarCharValue: '3' }] },
      ],
    },
  });
  mocks.athena.on(ListQueryExecutionsCommand).resolves({ QueryExecutionIds: ['q1'] });
  mocks.athena.on(BatchGetQueryExecutionCommand).resolves({
    QueryExecutions: [{ QueryExecutionId: 'q1', Query: 'SELECT 1 -- work/winback/r1/', Status: { State: 'RUNNING' } }],
  });
  mocks.s3
    .on(ListObjectsV2Command)
    .callsFake((input: { Prefix: string }) => ({ Contents: [{ Key: `${input.Prefix}part-0.parquet` }] }));
  mocks.s3.on(DeleteObjectsCommand).resolves({});
  // A Load file's CSV, copied into its run's folder.
  mocks.s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(['email\nann@x.com\n']) }));
  mocks.s3.on(PutObjectCommand).resolves({});
  mocks.s3.on(HeadObjectCommand).resolves({ ContentLength: 100 });
  mocks.ses.on(GetAccountCommand).resolves({ SendQuota: { MaxSendRate: 14 } });
  mocks.ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  mocks.sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-1' });
  mocks.sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  mocks.glue.on(GetTableCommand).resolves({ Table: { Name: 'w', StorageDescriptor: { Columns: [] } } });
  // Stopping a run reads its history for the queries it has in flight.
  mocks.sfn.on(GetExecutionHistoryCommand).resolves({
    events: [
      {
        id: 1,
        type: 'TaskSubmitted',
        timestamp: new Date(),
        taskSubmittedEventDetails: {
          resource: 'startQueryExecution.sync',
          resourceType: 'athena',
          output: JSON.stringify({ QueryExecutionId: 'q1' }),
        },
      },
    ],
  });
  mocks.sfn.on(DeleteStateMachineCommand).resolves({});
  mocks.sfn
    .on(StartExecutionCommand)
    .resolves({ executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:orca-winback:r1' });
  const machine = `arn:aws:states:eu-west-1:123456789012:stateMachine:orca-winback`;
  mocks.sfn
    .on(CreateStateMachineCommand)
    .resolves({ stateMachineArn: machine, stateMachineVersionArn: `${machine}:1` });
  mocks.sfn.on(UpdateStateMachineCommand).resolves({ stateMachineVersionArn: `${machine}:2`, updateDate: new Date() });
}

/** The SDK commands every mocked client received, as IAM requests. */
function recorded(): IamCall[] {
  const stubs: Array<{ calls(): Array<{ args: unknown[] }> }> = Object.values(mocks);
  return stubs
    .flatMap((m) =>
      m.calls().map((c) => c.args[0] as { constructor: { name: string }; input: Record<string, unknown> }),
    )
    .flatMap((c) => sdkCalls(c.constructor.name, c.input, deployment));
}

/** The Lambda environment of a function, as synthesized, with the catalog the bundle would hold. */
function lambdaEnvironment(own: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('ORCA_')) delete process.env[k];
  Object.assign(process.env, { AWS_REGION: DEPLOYMENT.region, ORCA_CATALOG_JSON: JSON.stringify(tinyCatalogDoc) }, own);
}

const run: RunRecord = {
  runId: 'r1',
  campaignId: 'winback',
  status: 'running',
  testMode: false,
  startedAt: '2026-11-22T10:00:00.000Z',
  variables: {},
};
const target = { location: 'work/winback/r1/lapsed', table: 'w_winback_r1_lapsed_0000' };
const transition: TransitionRecord = {
  transitionId: 'lapsed-main-save',
  from: 'lapsed',
  output: 'main',
  to: 'save',
  active: true,
  population: {
    rows: 3,
    dimension: 'recipients',
    location: 'work/winback/r1/lapsed',
    table: 'w_winback_r1_lapsed_0000',
    output: 'main',
    columns: [{ name: 'id', type: 'integer' }],
  },
} as TransitionRecord;

/** Every operation of the status table: each function uses the same store (its role may read and write the table). */
async function storeOperations(store: DynamoDbStore): Promise<void> {
  const ops: Array<() => Promise<unknown>> = [
    () => store.getCampaign('winback'),
    () => store.listCampaigns(),
    () => store.getRun('r1'),
    () => store.createRun(run),
    () => store.updateRun('r1', { status: 'completed' }, ['running']),
    () => store.listRuns('winback'),
    () => store.recentRuns(),
    () => store.putTransitions('r1', [transition]),
    () => store.getTransitions('r1', ['lapsed-main-save']),
    () => store.listActivities('r1'),
    () => store.log('r1', { at: '2026-11-22T10:00:00.000Z', level: 'info', message: 'm' } as never),
    () => store.parked('r1'),
    () => store.unpark('r1', 'lapsed'),
    () => store.getHistory('winback', 'lapsed'),
  ];
  for (const op of ops) await op().catch(() => undefined);
}

/**
 * The link secret, read with the signer rather than the SDK (lambdas/adapters/secrets.ts): one
 * GetSecretValue ("AWS Secrets Manager API Reference — GetSecretValue") on the secret's ARN.
 */
const secretRead = (env: Record<string, string>): IamCall => ({
  action: 'secretsmanager:GetSecretValue',
  resource: env.ORCA_LINK_SECRET_ARN!,
  source: 'secretString (the link secret)',
});

/** The prepared step of a channel activity: its counts (Athena), the manifest it writes, the counters. */
async function preparedCalls(deps: ReturnType<typeof awsDeps>): Promise<void> {
  const channels = awsChannels();
  const excluded = { ...transition.population!, output: 'excluded' };
  await deps.engine.outputRows(target, 'q0').catch(() => undefined);
  await deps.engine.countBy(excluded, 'orca_reason').catch(() => undefined);
  await channels.objects.list(`${target.location}/`);
  await channels.objects.put(manifestKey(target.location), '{"chunks":[]}', 'application/json');
  await channels.reports.setCounters('winback', 'r1', 'mail', { targeted: 3 }).catch(() => undefined);
}

describe('IAM, call by call (@cloud-copilot/iam-simulate on the synthesized roles)', () => {
  it('the functions: every SDK command each one sends is allowed by its role', async () => {
    // control and register: the status table.
    for (const prefix of ['OrcaFunctionsControl', 'OrcaApiRegister']) {
      const f = fn(prefix);
      lambdaEnvironment(f.env);
      resetMocks();
      if (prefix === 'OrcaFunctionsControl') {
        const deps = awsDeps();
        await storeOperations(deps.store);
        await preparedCalls(deps);
      } else await storeOperations((await import('../lambdas/entry/aws.js')).awsStore());
      await check(roleLabel(f.role), f.role, [...recorded(), ...runtimeCalls(f.id)]);
    }

    // gate: the status table; clearing a query's target (S3, Glue), a loaded file's table, task
    // tokens, End signals, alerts.
    {
      const f = fn('OrcaFunctionsGate');
      lambdaEnvironment(f.env);
      resetMocks();
      const deps = awsDeps();
      await storeOperations(deps.store);
      await deps.engine.prepareTarget(target);
      await deps.engine.prepareTarget({ location: 'audiences/winback/2', table: 'a_winback_2' });
      await deps.engine.prepareCsv({
        location: 'incoming/leads/leads.csv',
        copy: 'work/winback/r1/load.source',
        table: 'csv_load',
        delimiter: ';',
        header: true,
        columns: ['email'],
      });
      const callbacks = new SfnCallbacks(deps.sfn);
      await callbacks.succeed('token', {});
      await callbacks.fail('token', 'Error', 'cause');
      await deps.signal!('newsletter', {}, { campaignId: 'winback', runId: 'r1' });
      await deps.notifier.notify({
        campaignId: 'winback',
        runId: 'r1',
        activityId: 'a',
        title: 't',
        message: 'm',
        severity: 'warning',
      });
      await check(roleLabel(f.role), f.role, [...recorded(), ...runtimeCalls(f.id)]);
    }

    // record: the status table, row counts (small Athena queries), a Glue table per transition.
    {
      const f = fn('OrcaFunctionsRecord');
      lambdaEnvironment(f.env);
      resetMocks();
      const deps = awsDeps();
      await storeOperations(deps.store);
      await deps.engine.outputRows(target, 'q0');
      await deps.engine.registerTransitions([transition]);
      // The sent step: the chunks' counts (the ledger), the counters, the output query's target
      // (the query itself runs in the state machine, as its role).
      const channels = awsChannels();
      await channels.ledger.chunkCounts('r1', 'mail').catch(() => undefined);
      await channels.reports.setCounters('winback', 'r1', 'mail', { sent: 3 }).catch(() => undefined);
      await deps.engine.prepareTarget({ location: `${target.location}/outputs`, table: 'w_winback_r1_mail_0001' });
      // update data: the next version's swap (the pointer in the status table, then Glue GetTable
      // and UpdateTable of the table's location), and an activity that changed nothing removing its version.
      const { recordDeps } = await import('../lambdas/entry/record.js');
      const { applyTableVersion } = await import('../lambdas/orchestrator/update-table.js');
      // No version yet: the table is at the catalog's own location.
      mocks.document.on(GetCommand).resolves({});
      mocks.document.on(PutCommand).resolves({});
      mocks.glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
        Table: {
          Name: input.Name,
          StorageDescriptor: { Location: `s3://${deployment.bucket}/catalog/recipients/`, Columns: [] },
        },
      }));
      mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'versions/recipients/r2-upgrade/x.parquet' }] });
      const versionTarget = (run: string) => ({
        location: `versions/recipients/${run}-upgrade`,
        table: `w_loyalty_${run}_upgrade`,
      });
      const swapped = await applyTableVersion(
        recordDeps(),
        { table: 'recipients', keep: 3 },
        versionTarget('r1'),
        { version: 2, updated: 2 },
        'r1-upgrade',
        '2026-11-22T12:00:00.000Z',
        false,
      );
      expect(swapped).toBe('recipients is now at version 1');
      await applyTableVersion(
        recordDeps(),
        { table: 'recipients', keep: 3 },
        versionTarget('r2'),
        { version: 2 },
        'r2-upgrade',
        '2026-11-22T12:00:00.000Z',
        false,
      );
      await check(roleLabel(f.role), f.role, [...recorded(), ...runtimeCalls(f.id)]);
    }

    // api: the status table, publishing (machines, schedules), starting, stopping, waking, previews.
    {
      const f = fn('OrcaApiHandler');
      lambdaEnvironment(f.env);
      resetMocks();
      const deps = awsDeps();
      await storeOperations(deps.store);
      const parking = {
        park: async () => {},
        parked: async () => [{ runId: 'r1', activityId: 'a', kind: 'gate' as const, event: {} }],
        unpark: async () => true,
      };
      const platform = new CloudPlatform({
        sfn: deps.sfn,
        scheduler: new SchedulerClient({}),
        athena: new AthenaClient({}),
        lambda: new LambdaClient({}),
        store: parking as never,
        partition: f.env.ORCA_PARTITION,
        region: DEPLOYMENT.region,
        account: f.env.ORCA_ACCOUNT!,
        machineRoleArn: f.env.ORCA_MACHINE_ROLE!,
        schedulerRoleArn: f.env.ORCA_SCHEDULER_ROLE!,
        logGroupArn: f.env.ORCA_MACHINE_LOGS!,
        functions: {
          control: f.env.ORCA_CONTROL_FUNCTION!,
          gate: f.env.ORCA_GATE_FUNCTION!,
          record: f.env.ORCA_RECORD_FUNCTION!,
          send: f.env.ORCA_SEND_FUNCTION!,
        },
        workGroup: f.env.ORCA_WORKGROUP!,
        database: f.env.ORCA_DATABASE!,
        bucket: f.env.ORCA_BUCKET!,
      });
      const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } as StateMachineDefinition;
      await platform.publish('winback', 1, definition, { expression: 'cron(0 8 ? * MON *)', timezone: 'Europe/Paris' });
      // A monthly trigger listing 'last' with other days: a second schedule, orca-winback_last.
      await platform.publish('winback', 1, definition, {
        expression: 'cron(0 8 1,15 * ? *)',
        lastDay: 'cron(0 8 L * ? *)',
        timezone: 'Europe/Paris',
      });
      await platform.publish('winback', 2, definition, undefined);
      await platform.start({
        runId: 'r1',
        campaignId: 'winback',
        version: 0,
        definition,
        input: { run: { runId: 'r1', testMode: true, variables: {} }, trigger: 'api' },
      });
      await platform.wake('r1');
      await platform.stop(run);
      await platform.retire('winback', 'delete');
      await deps.engine.preview(transition.population!, 50, 0);
      // Publication's quota warning (SES GetAccount), the public routes' opt-out file and link secret.
      await awsProviders(process.env).email!.maxPerSecond!();
      await new S3ObjectStore(new S3Client({}), f.env.ORCA_BUCKET!).put(
        'channels/optouts/channel=email/day=2026-11-22/u1.jsonl',
        '{}\n',
      );
      await check(roleLabel(f.role), f.role, [...recorded(), ...runtimeCalls(f.id), secretRead(f.env)]);
    }
    // send: the status table (its plan, the ledger, the rate limiter, the counters), the manifest
    // and a chunk's Parquet file by ranges, the message log, each provider, the link secret.
    {
      const f = fn('OrcaChannelsSend');
      lambdaEnvironment(f.env);
      resetMocks();
      const deps = awsDeps();
      await storeOperations(deps.store);
      const channels = awsChannels({ baseUrl: f.env.ORCA_PUBLIC_URL!, secret: 's', tracking: 'provider' });
      const ref: ChunkRef = { campaignId: 'winback', runId: 'r1', activityId: 'mail', channel: 'email', chunk: 0 };
      const at = '2026-11-22T10:00:00.000Z';
      const ledger = channels.ledger;
      const ops: Array<() => Promise<unknown>> = [
        () => ledger.leaseChunk(ref, 'a1', at),
        () => ledger.statuses(['m1'], ref),
        () => ledger.chunkTouched(ref),
        () => ledger.reserve(ref, ['m1'], at),
        () => ledger.settle(ref, [{ messageId: 'm1', status: 'sent', at }]),
        () => ledger.finishChunk(ref, { sent: 1 }),
        () => ledger.releaseChunk(ref, 'a1'),
        () => channels.rate.take('r1', 'mail', 10, 100),
        () => channels.reports.setCounters('winback', 'r1', 'mail', { sent: 1 }),
        // The manifest, then a chunk's file read by ranges (HeadObject, GetObject Range).
        () => channels.objects.open(manifestKey(target.location)).then((r) => r.slice(0, 10)),
        () =>
          channels.objects
            .open(`${target.location}/orca_output=messages/20261122_q1_bucket-00000`)
            .then((r) => r.slice(4, 100)),
        () =>
          channels.objects.put(
            'channels/messages/channel=email/day=2026-11-22/r1_mail_0.jsonl',
            '{}\n',
            'application/x-ndjson',
          ),
      ];
      for (const op of ops) await op().catch(() => undefined);
      const context = { messageId: 'm1', campaignId: 'winback', runId: 'r1', activityId: 'mail', key: '1' };
      const messages: OutgoingMessage[] = [
        {
          ...context,
          to: 'ann@x.com',
          channel: 'email',
          email: { from: 'News <news@example.com>', subject: 's', text: 't', headers: {} },
        },
        { ...context, to: '+14255550199', channel: 'sms', sms: { text: 't' } },
        {
          ...context,
          to: 'arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/orca-app/0b3c2a1e-5f1a-4f3e-9a6b-1d2c3b4a5f6e',
          channel: 'push',
          push: { title: 't', body: 'b' },
        },
      ];
      for (const m of messages) await channels.providers[m.channel]!.send(m);
      // Publish to a platform endpoint: the simulator knows no SNS resource type but the topic, so
      // that call is left out here (its grant is listed in UNUSED_GRANTS, with why).
      const simulated = recorded().filter((c) => !(c.action === 'sns:Publish' && c.resource.includes(':endpoint/')));
      await check(roleLabel(f.role), f.role, [...simulated, ...runtimeCalls(f.id), secretRead(f.env)]);
    }
    // purge: an old run's objects and the Glue tables over its folder.
    {
      const f = fn('OrcaPurge');
      lambdaEnvironment(f.env);
      resetMocks();
      const folder = `s3://${deployment.bucket}/work/winback/r1/lapsed/`;
      mocks.glue.on(GetTablesCommand).resolves({
        TableList: [{ Name: 'w_winback_r1_lapsed_0000', StorageDescriptor: { Location: folder } }],
      });
      mocks.glue.on(BatchDeleteTableCommand).resolves({});
      const runs = [
        {
          ...run,
          status: 'completed' as const,
          runId: 'r2',
          startedAt: '2026-11-20T08:00:00.000Z',
          endedAt: '2026-11-20T08:10:00.000Z',
        },
        {
          ...run,
          status: 'completed' as const,
          runId: 'r1',
          startedAt: '2026-01-05T08:00:00.000Z',
          endedAt: '2026-01-05T08:10:00.000Z',
        },
      ];
      const { cloudPurge } = await import('../lambdas/entry/purge.js');
      const purged = await cloudPurge({
        store: {
          listCampaigns: async () => [{ id: 'winback', definition: {} } as CampaignRecord],
          listRuns: async () => runs,
          updateRun: async () => true,
          log: async () => undefined,
          getAudience: async () => undefined,
        },
        engine: awsDeps().engine,
        glue: new GlueClient({}),
        bucket: deployment.bucket,
        database: deployment.database,
        defaultRetentionDays: 30,
        now: () => new Date('2026-11-22T12:00:00.000Z'),
      });
      expect(purged.purged).toEqual(['r1']);
      await check(roleLabel(f.role), f.role, [...recorded(), ...runtimeCalls(f.id)]);
    }
    expect(verdicts.length).toBeGreaterThan(50);
  });

  it('import jobs: every call of the import function’s stages (and of Athena for it), and of the API for jobs', async () => {
    const f = fn('OrcaImportsImport');
    lambdaEnvironment(f.env);
    const calls = await importFunctionCalls(mocks, deployment, resetMocks, recorded);
    expect(calls.some((c) => c.action === 'glue:UpdateTable' && c.resource.endsWith(':table/orca/recipients'))).toBe(
      true,
    );
    expect(calls.some((c) => c.action === 's3:GetObject' && c.resource.includes('/uploads/u2/'))).toBe(true);
    await check(roleLabel(f.role), f.role, [...calls, ...runtimeCalls(f.id)]);
    const api = fn('OrcaApiHandler');
    lambdaEnvironment(api.env);
    resetMocks();
    const apiCalls = await apiImportCalls(mocks, api.env, deployment, recorded);
    // The launcher starts the machine the API's environment names.
    expect(apiCalls.filter((c) => c.action === 'states:StartExecution').map((c) => c.resource)).toEqual([
      api.env.ORCA_IMPORT_MACHINE,
      api.env.ORCA_EXPORT_MACHINE,
    ]);
    expect(apiCalls.some((c) => c.action === 'athena:StopQueryExecution')).toBe(true);
    expect(apiCalls.some((c) => c.action === 's3:GetObject' && c.resource.includes('/rejects/'))).toBe(true);
    expect(apiCalls.some((c) => c.action === 'glue:UpdateTable' && c.resource.endsWith('/recipients'))).toBe(true);
    await check(roleLabel(api.role), api.role, apiCalls);
  });

  it('export jobs: every call of the export function’s stages (and of Athena for it), a table’s CSV and an audience’s Parquet', async () => {
    const f = fn('OrcaImportsExport');
    lambdaEnvironment(f.env);
    const calls = await exportFunctionCalls(mocks, deployment, resetMocks, recorded);
    // The table read at its current version, the audience's files, the UNLOAD's writes, the published files.
    const objects = (action: string) => calls.filter((c) => c.action === action).map((c) => c.resource.split(':::')[1]);
    expect(objects('s3:GetObject')).toEqual(
      expect.arrayContaining([
        `${deployment.bucket}/versions/recipients/imp-20261120t080000z-0000/part-0.parquet`,
        `${deployment.bucket}/audiences/vip/r1-save/part-0.parquet`,
      ]),
    );
    expect(objects('s3:PutObject')).toEqual(
      expect.arrayContaining([
        `${deployment.bucket}/exports/.work/exp-20261122t120000z-aaaa/20261122_000000_00001`,
        `${deployment.bucket}/exports/recipients-exp-20261122t120000z-aaaa.csv`,
        `${deployment.bucket}/exports/vip-exp-20261122t120000z-bbbb.parquet`,
      ]),
    );
    await check(roleLabel(f.role), f.role, [...calls, ...runtimeCalls(f.id)]);
  });

  it('the state machines: every service integration of the compiled ASL is allowed by their role', async () => {
    const bucket = `arn:aws:s3:::${deployment.bucket}`;
    const catalogTables = t.resourcesOfType('AWS::Glue::Table').map(([, r]) => {
      const input = t.resolve(r.Properties!.TableInput!) as { Name: string; StorageDescriptor: { Location: string } };
      return { name: input.Name, prefix: input.StorageDescriptor.Location.replace(`s3://${deployment.bucket}/`, '') };
    });
    // The campaigns' update data activities, by machine (the stack deploys the examples).
    const updates = new Map<string, Array<{ table: string; activity: string }>>();
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && f !== 'catalog.yaml')) {
      const doc = readDocument(join(EXAMPLES, file)) as {
        id: string;
        activities?: Array<{ id: string; type: string; table?: string }>;
      };
      const found = (doc.activities ?? [])
        .filter((a) => a.type === 'updateData')
        .map((a) => ({ table: a.table!, activity: a.id }));
      if (found.length) updates.set(stateMachineName(doc.id), found);
    }
    expect([...updates.keys()]).toContain('orca-loyalty-upgrade');
    for (const [id, r] of t.resourcesOfType('AWS::StepFunctions::StateMachine')) {
      const subs = t.resolve(r.Properties!.DefinitionSubstitutions ?? {}) as Record<string, string>;
      let text = t.resolve(r.Properties!.DefinitionString!) as string;
      for (const [k, v] of Object.entries(subs)) text = text.replaceAll(`\${${k}}`, v);
      const definition = JSON.parse(text) as { States: Record<string, Json> };
      const machine = String(r.Properties!.StateMachineName);
      const calls: IamCall[] = [];
      const tasks = (states: Record<string, Json>): Array<{ name: string; state: Record<string, Json> }> =>
        Object.entries(states).flatMap(([name, s]) => {
          const st = s as Record<string, Json>;
          const inner = [
            ...((st.Branches as Array<{ States: Record<string, Json> }> | undefined) ?? []),
            ...(st.Iterator ? [st.Iterator as { States: Record<string, Json> }] : []),
            ...(st.ItemProcessor ? [st.ItemProcessor as { States: Record<string, Json> }] : []),
          ].flatMap((b) => tasks(b.States));
          return [...(st.Type === 'Task' ? [{ name, state: st }] : []), ...inner];
        });
      for (const { name, state } of tasks(definition.States)) {
        const resource = String(state.Resource);
        const params = (state.Parameters ?? state.Arguments ?? {}) as Record<string, Json>;
        const source = `${machine} ${name} (${resource})`;
        if (resource.startsWith('arn:aws:states:::lambda:invoke')) {
          // "AWS Step Functions Developer Guide — IAM policies for AWS Lambda": InvokeFunction on the function.
          calls.push({ action: 'lambda:InvokeFunction', resource: String(params.FunctionName), source });
        } else if (resource === 'arn:aws:states:::athena:startQueryExecution.sync') {
          // "AWS Step Functions Developer Guide — IAM policies for Amazon Athena" (startQueryExecution.sync).
          const workGroup = `arn:aws:athena:${DEPLOYMENT.region}:${DEPLOYMENT.account}:workgroup/${params.WorkGroup}`;
          const context = params.QueryExecutionContext as { Database?: string } | undefined;
          const database = context?.Database ?? 'default';
          for (const a of [
            'StartQueryExecution',
            'GetQueryExecution',
            'GetQueryResults',
            'StopQueryExecution',
            'GetWorkGroup',
          ])
            calls.push({ action: `athena:${a}`, resource: workGroup, source });
          calls.push({
            action: 'athena:GetDataCatalog',
            resource: `arn:aws:athena:${DEPLOYMENT.region}:${DEPLOYMENT.account}:datacatalog/AwsDataCatalog`,
            source,
          });
          calls.push(...glueCalls('glue:GetDatabase', database, undefined, source));
          // What the activity queries (CTAS) do in Glue: read the catalog's tables, create, update
          // and (on failure) delete their work table, with its partitions.
          for (const c of catalogTables) {
            calls.push(...glueCalls('glue:GetTable', deployment.database, c.name, source));
            calls.push(...glueCalls('glue:GetPartitions', deployment.database, c.name, source));
          }
          for (const a of ['GetTable', 'CreateTable', 'UpdateTable', 'DeleteTable', 'BatchCreatePartition'])
            calls.push(...glueCalls(`glue:${a}`, deployment.database, target.table, source));
          // And in S3: the bucket, the files it reads, the files and results it writes.
          for (const a of ['GetBucketLocation', 'ListBucket', 'ListBucketMultipartUploads'])
            calls.push({ action: `s3:${a}`, resource: bucket, source });
          for (const c of catalogTables)
            calls.push({ action: 's3:GetObject', resource: `${bucket}/${c.prefix}part-0.parquet`, source });
          calls.push({ action: 's3:GetObject', resource: `${bucket}/incoming/leads/leads.csv`, source });
          for (const key of [
            `${target.location}/orca_output=main/part-0.parquet`,
            'audiences/winback/2/part-0.parquet',
            'athena-results/q1.csv',
            // An update data activity's query writes its table's next version (update-data.ts).
            ...(updates.get(machine) ?? []).map(
              (u) => `versions/${u.table}/r1-${u.activity}/orca_output=version/part-0.parquet`,
            ),
          ])
            for (const a of ['GetObject', 'PutObject', 'AbortMultipartUpload', 'ListMultipartUploadParts'])
              calls.push({ action: `s3:${a}`, resource: `${bucket}/${key}`, source });
        } else throw new Error(`no IAM mapping for the ASL resource ${resource} (${source})`);
      }
      // "AWS Step Functions Developer Guide — Logging using CloudWatch Logs" and "— X-Ray".
      if (r.Properties!.LoggingConfiguration)
        for (const a of [
          'CreateLogDelivery',
          'GetLogDelivery',
          'UpdateLogDelivery',
          'DeleteLogDelivery',
          'ListLogDeliveries',
          'PutResourcePolicy',
          'DescribeResourcePolicies',
          'DescribeLogGroups',
        ])
          calls.push({ action: `logs:${a}`, resource: '*', source: `${machine} logging` });
      if ((r.Properties!.TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled)
        for (const a of ['PutTraceSegments', 'PutTelemetryRecords', 'GetSamplingRules', 'GetSamplingTargets'])
          calls.push({ action: `xray:${a}`, resource: '*', source: `${machine} tracing` });
      await check(machine, t.roleOf(id), calls);
    }
    // The schedules start their machines.
    for (const [, r] of t.resourcesOfType('AWS::Scheduler::Schedule')) {
      const target = t.resolve(r.Properties!.Target!) as { Arn: string; RoleArn: string };
      const roleId = t.resourcesOfType('AWS::IAM::Role').find(([rid]) => t.getAtt(rid, 'Arn') === target.RoleArn)![0];
      await check('schedules', roleId, [
        { action: 'states:StartExecution', resource: target.Arn, source: `schedule ${r.Properties!.Name}` },
      ]);
    }
    expect(verdicts.some((v) => v.who.startsWith('orca-'))).toBe(true);
  });

  it('every call is allowed (but the ones the pending findings will fix)', () => {
    const denied = new Map<string, Verdict & { who: string }>();
    for (const v of verdicts) {
      if (v.allowed) continue;
      const label = v.who.startsWith('orca-') ? 'machines' : v.who;
      denied.set(`${label} ${v.call.action} ${v.call.resource}`, v);
    }
    const unexpected = [...denied].filter(([k]) => !(k in EXPECTED_DENIED_UNTIL_FIXED));
    if (unexpected.length)
      console.log(`denied:\n${unexpected.map(([k, v]) => `  ${k} — ${v.reason} — from ${v.call.source}`).join('\n')}`);
    expect(unexpected.map(([k]) => k)).toEqual([]);
    // A listed call that is now allowed: the finding is fixed, take it off the list.
    const fixed = Object.keys(EXPECTED_DENIED_UNTIL_FIXED).filter((k) => !denied.has(k));
    expect(fixed).toEqual([]);
  });

  it('a grant no call uses is reported (and must be listed, with its reason)', () => {
    // By grant (names shortened), with the roles that hold it unused.
    const byGrant = new Map<string, Set<string>>();
    for (const [roleId, s] of simulators)
      for (const g of s.grants().filter((x) => !s.used.has(x))) {
        const key = shorten(g.replace(/^\S+: /, ''));
        byGrant.set(key, (byGrant.get(key) ?? new Set()).add(roleLabel(roleId)));
      }
    const unique = [...byGrant].map(([g, roles]) => `${[...roles].sort().join(',')}: ${g}`).sort();
    if (unique.length) console.log(`grants no call uses:\n${unique.map((g) => `  ${g}`).join('\n')}`);
    expect(unique).toEqual(Object.keys(UNUSED_GRANTS).sort());
  });
});

describe('the web console’s roles, route by route (Amazon Cognito Developer Guide — Role-based access control; Amazon API Gateway Developer Guide — Control access for invoking an API)', () => {
  /** A route called with concrete parameters, as the IAM authorizer sees it: …/<api-id>/$default/<METHOD>/<path>. */
  const concrete = (path: string) =>
    path
      .replace('{id}', 'winback')
      .replace('{runId}', 'r1')
      .replace(/\{activity(Id)?\}/, 'mail')
      .replace('{transitionId}', 'lapsed-reachable');
  const invoke = (apiId: string, method: string, path: string) =>
    `arn:aws:execute-api:${DEPLOYMENT.region}:${DEPLOYMENT.account}:${apiId}/$default/${method}${path}`;
  const roleSimulator = (role: ConsoleRole) => {
    const roleId = t.id('AWS::IAM::Role', `OrcaConsoleAuth${role[0]!.toUpperCase()}${role.slice(1)}Role`);
    return new RoleSimulator(t.getAtt(roleId, 'Arn'), t.rolePolicies(roleId));
  };

  it('each role may call its routes and none other; every grant of each role is used by a route', async () => {
    const apiId = t.ref(t.id('AWS::ApiGatewayV2::Api', 'OrcaApi'));
    const wrong: string[] = [];
    for (const role of CONSOLE_ROLES) {
      const sim = roleSimulator(role);
      for (const route of apiRoutes()) {
        const v = await sim.evaluate({
          action: 'execute-api:Invoke',
          resource: invoke(apiId, route.method, concrete(route.path)),
          source: `${role} ${route.method} ${route.path}`,
        });
        const expected = CONSOLE_ROLES.indexOf(role) >= CONSOLE_ROLES.indexOf(roleOf(route));
        if (v.allowed !== expected) wrong.push(`${role} ${route.method} ${route.path}: ${v.reason}`);
      }
      expect(sim.grants().filter((g) => !sim.used.has(g))).toEqual([]);
    }
    expect(wrong).toEqual([]);
  });

  it('a viewer cannot start a run; an operator can, but cannot change a campaign; an editor can; no role reaches another API', async () => {
    const apiId = t.ref(t.id('AWS::ApiGatewayV2::Api', 'OrcaApi'));
    const allowed = async (role: ConsoleRole, method: string, path: string, api = apiId) =>
      (
        await roleSimulator(role).evaluate({
          action: 'execute-api:Invoke',
          resource: invoke(api, method, path),
          source: `${role} ${method} ${path}`,
        })
      ).allowed;
    expect(await allowed('viewers', 'GET', '/runs/r1/transitions/lapsed-reachable/rows')).toBe(true);
    expect(await allowed('viewers', 'POST', '/campaigns/winback/runs')).toBe(false);
    expect(await allowed('viewers', 'POST', '/runs/r1/stop')).toBe(false);
    expect(await allowed('operators', 'POST', '/campaigns/winback/runs')).toBe(true);
    expect(await allowed('operators', 'POST', '/runs/r1/activities/mail/confirm')).toBe(true);
    expect(await allowed('operators', 'PUT', '/campaigns/winback')).toBe(false);
    expect(await allowed('operators', 'POST', '/campaigns/winback/publish')).toBe(false);
    expect(await allowed('operators', 'DELETE', '/campaigns/winback')).toBe(false);
    expect(await allowed('editors', 'PUT', '/campaigns/winback')).toBe(true);
    expect(await allowed('editors', 'DELETE', '/campaigns/winback')).toBe(true);
    expect(await allowed('editors', 'GET', '/campaigns', 'otherapi01')).toBe(false);
  });
});
