/**
 * AWS calls as IAM sees them: an SDK command (as aws-sdk-client-mock records it) becomes the IAM
 * requests it makes (action, resource ARN, context keys), from the "Service Authorization
 * Reference" (actions, resources and condition keys of each service) and, where one API call needs
 * several authorizations, from the service guide that says so (named next to the rule).
 */
import {
  originationIdentityArn,
  parseOriginationIdentity,
  sesConfigurationSetArn,
  sesIdentityArn,
  smsConfigurationSetArn,
} from '../../../lambdas/channels/identities.js';
import { DEPLOYMENT } from './template.js';

export interface IamCall {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** Where the call comes from (the SDK command, the ASL state...). */
  source: string;
}

export interface Deployment {
  bucket: string;
  table: string;
  database: string;
  workGroup: string;
}

type Input = Record<string, unknown>;
const { account, region, partition } = DEPLOYMENT;
const regional = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;

/**
 * What Athena does in S3 as the caller to write a statement's files under a prefix (a CTAS, an
 * UNLOAD: "Amazon Athena User Guide — Access to Amazon S3"): the prefix listed, a multipart upload
 * of `file` under it.
 */
export function athenaWriteCalls(d: Deployment, prefix: string, file: string, source: string): IamCall[] {
  return [
    { action: 's3:ListBucket', resource: `arn:aws:s3:::${d.bucket}`, context: { 's3:prefix': prefix }, source },
    { action: 's3:ListBucketMultipartUploads', resource: `arn:aws:s3:::${d.bucket}`, source },
    ...['PutObject', 'GetObject', 'AbortMultipartUpload', 'ListMultipartUploadParts'].map((a) => ({
      action: `s3:${a}`,
      resource: `arn:aws:s3:::${d.bucket}/${prefix}${file}`,
      source,
    })),
  ];
}

/**
 * What Athena does as the caller to read the tables a statement names, each at its location: its
 * partitions in Glue, its prefix listed and its files read. A table of no known location is an error.
 */
export function athenaReadCalls(
  d: Deployment,
  tables: Array<{ table: string }>,
  locations: Map<string, string>,
  source: string,
): IamCall[] {
  return tables.flatMap(({ table }) => {
    const prefix = locations.get(table);
    if (!prefix) throw new Error(`no location known for the table ${table} read by ${source}`);
    return [
      ...glueCalls('glue:GetPartitions', d.database, table, source),
      { action: 's3:ListBucket', resource: `arn:aws:s3:::${d.bucket}`, context: { 's3:prefix': `${prefix}/` }, source },
      { action: 's3:GetObject', resource: `arn:aws:s3:::${d.bucket}/${prefix}/part-0.parquet`, source },
    ];
  });
}

/** Glue: an operation on a table needs the catalog, the database and the table ("AWS Glue Developer Guide — Specifying AWS Glue resource ARNs"). */
export function glueCalls(action: string, database: string, table: string | undefined, source: string): IamCall[] {
  return [
    { action, resource: regional('glue', 'catalog'), source },
    { action, resource: regional('glue', `database/${database}`), source },
    ...(table ? [{ action, resource: regional('glue', `table/${database}/${table}`), source }] : []),
  ];
}

/** lib-dynamodb's document commands, by the DynamoDB operation they send. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
  Query: 'Query',
  Scan: 'Scan',
};

const s3Object = (bucket: string, key: string) => `arn:${partition}:s3:::${bucket}/${key}`;
const s3Bucket = (bucket: string) => `arn:${partition}:s3:::${bucket}`;

/** Tables a statement names as "database"."table". */
export function tablesIn(sql: string): Array<{ database: string; table: string }> {
  return [...sql.matchAll(/"([^"]+)"\."([^"]+)"/g)].map((m) => ({ database: m[1]!, table: m[2]! }));
}

/**
 * The IAM requests of one SDK command. Athena's StartQueryExecution also reads the Glue catalog
 * as the caller ("Amazon Athena User Guide — Fine-grained access to databases and tables": the
 * catalog, the database of the query's context — `default` when there is none — and each table it
 * names) and writes its results to S3 ("Amazon Athena User Guide — Access to Amazon S3").
 */
export function sdkCalls(command: string, input: Input, d: Deployment): IamCall[] {
  const name = command.replace(/Command$/, '');
  const source = `${command} ${JSON.stringify(input).slice(0, 160)}`;
  const call = (action: string, resource: string, context?: IamCall['context']): IamCall => ({
    action,
    resource,
    source,
    ...(context ? { context } : {}),
  });
  // DynamoDB (client and document commands).
  if (
    name in DOCUMENT_COMMANDS ||
    /^(GetItem|PutItem|UpdateItem|DeleteItem|BatchGetItem|BatchWriteItem|DescribeTable)$/.test(name)
  ) {
    const action = `dynamodb:${DOCUMENT_COMMANDS[name] ?? name}`;
    const tables = input.RequestItems ? Object.keys(input.RequestItems as Input) : [String(input.TableName)];
    return tables.map((t) =>
      call(action, regional('dynamodb', `table/${t}${input.IndexName ? `/index/${input.IndexName}` : ''}`)),
    );
  }
  switch (name) {
    // Athena
    case 'StartQueryExecution': {
      const database = (input.QueryExecutionContext as { Database?: string } | undefined)?.Database ?? 'default';
      const sql = String(input.QueryString);
      return [
        call('athena:StartQueryExecution', regional('athena', `workgroup/${input.WorkGroup}`)),
        ...glueCalls('glue:GetDatabase', database, undefined, source),
        ...tablesIn(sql).flatMap((t) => glueCalls('glue:GetTable', t.database, t.table, source)),
        call('s3:GetBucketLocation', s3Bucket(d.bucket)),
        call('s3:PutObject', s3Object(d.bucket, 'athena-results/00000000-query.csv')),
      ];
    }
    case 'GetQueryExecution':
    case 'GetQueryResults':
    case 'StopQueryExecution':
    case 'ListQueryExecutions':
    case 'BatchGetQueryExecution': {
      const calls = [call(`athena:${name}`, regional('athena', `workgroup/${input.WorkGroup ?? d.workGroup}`))];
      // Reading results reads the result file ("Amazon Athena User Guide — Access to Amazon S3").
      if (name === 'GetQueryResults')
        calls.push(call('s3:GetObject', s3Object(d.bucket, 'athena-results/00000000-query.csv')));
      return calls;
    }
    // Glue
    case 'CreateTable':
      return glueCalls(
        'glue:CreateTable',
        String(input.DatabaseName),
        String((input.TableInput as Input).Name),
        source,
      );
    case 'DeleteTable':
    case 'GetTable':
      return glueCalls(`glue:${name}`, String(input.DatabaseName), String(input.Name), source);
    case 'UpdateTable':
      return glueCalls(
        'glue:UpdateTable',
        String(input.DatabaseName),
        String((input.TableInput as Input).Name),
        source,
      );
    case 'BatchDeleteTable':
      // "AWS Glue Developer Guide — Specifying AWS Glue resource ARNs": each table deleted.
      return ((input.TablesToDelete as string[] | undefined) ?? []).flatMap((table) =>
        glueCalls('glue:BatchDeleteTable', String(input.DatabaseName), table, source),
      );
    case 'GetTables':
    case 'GetDatabase':
      return glueCalls(`glue:${name}`, String(input.DatabaseName ?? input.Name), undefined, source);
    // S3
    case 'ListObjectsV2':
      return [call('s3:ListBucket', s3Bucket(String(input.Bucket)), { 's3:prefix': String(input.Prefix ?? '') })];
    case 'DeleteObjects':
      // "Amazon S3 API Reference — DeleteObjects": s3:DeleteObject on each key.
      return ((input.Delete as { Objects: Array<{ Key: string }> }).Objects ?? []).map((o) =>
        call('s3:DeleteObject', s3Object(String(input.Bucket), o.Key)),
      );
    // "Amazon S3 API Reference — HeadObject": it needs s3:GetObject on the object; a ranged GetObject too.
    case 'HeadObject':
      return [call('s3:GetObject', s3Object(String(input.Bucket), String(input.Key)))];
    case 'GetObject':
    case 'PutObject':
    case 'DeleteObject':
      return [call(`s3:${name}`, s3Object(String(input.Bucket), String(input.Key)))];
    // "Amazon S3 API Reference — CopyObject": s3:GetObject on the source, s3:PutObject on the copy.
    case 'CopyObject': {
      const [bucket, ...key] = String(input.CopySource).split('/');
      return [
        call('s3:GetObject', s3Object(bucket!, key.map(decodeURIComponent).join('/'))),
        call('s3:PutObject', s3Object(String(input.Bucket), String(input.Key))),
      ];
    }
    // "Amazon S3 User Guide — Multipart upload and permissions": creating, uploading and completing
    // parts need s3:PutObject on the object; aborting needs s3:AbortMultipartUpload.
    case 'CreateMultipartUpload':
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return [call('s3:PutObject', s3Object(String(input.Bucket), String(input.Key)))];
    case 'AbortMultipartUpload':
      return [call('s3:AbortMultipartUpload', s3Object(String(input.Bucket), String(input.Key)))];
    // Step Functions
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      // No resource types in the Service Authorization Reference: the request's resource is "*".
      return [call(`states:${name}`, '*')];
    case 'StartExecution':
      return [call('states:StartExecution', String(input.stateMachineArn))];
    case 'StopExecution':
    case 'GetExecutionHistory':
      return [call(`states:${name}`, String(input.executionArn))];
    case 'ListTagsForResource':
      return [call('states:ListTagsForResource', String(input.resourceArn))];
    case 'DeleteStateMachine':
      return [call('states:DeleteStateMachine', String(input.stateMachineArn))];
    case 'CreateStateMachine':
    case 'UpdateStateMachine': {
      const arn = String(input.stateMachineArn ?? regional('states', `stateMachine:${input.name}`));
      const calls = [call(`states:${name}`, arn)];
      // "AWS Step Functions Developer Guide": tags on create need states:TagResource; publish: true
      // needs states:PublishStateMachineVersion; the role is passed (iam:PassRole); logging is set
      // up as the caller (the CloudWatch Logs delivery actions, which have no resource types).
      if (input.tags) calls.push(call('states:TagResource', arn));
      if (input.publish) calls.push(call('states:PublishStateMachineVersion', arn));
      if (input.roleArn)
        calls.push(call('iam:PassRole', String(input.roleArn), { 'iam:PassedToService': 'states.amazonaws.com' }));
      if (input.loggingConfiguration)
        for (const a of [
          'CreateLogDelivery',
          'GetLogDelivery',
          'UpdateLogDelivery',
          'ListLogDeliveries',
          'PutResourcePolicy',
          'DescribeResourcePolicies',
          'DescribeLogGroups',
        ])
          calls.push(call(`logs:${a}`, '*'));
      return calls;
    }
    // EventBridge Scheduler ("EventBridge Scheduler User Guide — Set up the execution role": the role is passed).
    case 'CreateSchedule':
    case 'UpdateSchedule':
    case 'DeleteSchedule': {
      const calls = [
        call(`scheduler:${name}`, regional('scheduler', `schedule/${input.GroupName ?? 'default'}/${input.Name}`)),
      ];
      const role = (input.Target as { RoleArn?: string } | undefined)?.RoleArn;
      if (role) calls.push(call('iam:PassRole', role, { 'iam:PassedToService': 'scheduler.amazonaws.com' }));
      return calls;
    }
    // Lambda
    case 'Invoke': {
      const fn = String(input.FunctionName);
      return [call('lambda:InvokeFunction', fn.startsWith('arn:') ? fn : regional('lambda', `function:${fn}`))];
    }
    // SNS: a topic, or a platform endpoint (TargetArn, mobile push).
    case 'Publish':
      return [call('sns:Publish', String(input.TopicArn ?? input.TargetArn))];
    // "Service Authorization Reference — Amazon SES v2": SendEmail on the sending identity (required;
    // FromEmailAddressIdentityArn, else the From address's domain, the identity orca verifies) and
    // the configuration set; GetAccount has no resource type.
    case 'SendEmail': {
      const from = String(input.FromEmailAddress ?? '').replace(/^.*<|>.*$/g, '');
      const identity = input.FromEmailAddressIdentityArn
        ? String(input.FromEmailAddressIdentityArn)
        : sesIdentityArn(DEPLOYMENT, from.split('@').pop()!);
      return [
        call('ses:SendEmail', identity),
        ...(input.ConfigurationSetName
          ? [call('ses:SendEmail', sesConfigurationSetArn(DEPLOYMENT, String(input.ConfigurationSetName)))]
          : []),
      ];
    }
    case 'GetAccount':
      return [call('ses:GetAccount', '*')];
    // "Service Authorization Reference — AWS End User Messaging SMS and Voice V2": SendTextMessage on
    // the origination identity (phone number, pool or sender id) and the configuration set.
    case 'SendTextMessage': {
      const o = parseOriginationIdentity(String(input.OriginationIdentity));
      if ('error' in o) throw new Error(o.error);
      return [
        call('sms-voice:SendTextMessage', originationIdentityArn(DEPLOYMENT, o)),
        ...(input.ConfigurationSetName
          ? [call('sms-voice:SendTextMessage', smsConfigurationSetArn(DEPLOYMENT, String(input.ConfigurationSetName)))]
          : []),
      ];
    }
  }
  throw new Error(`no IAM mapping for the SDK command ${command}: add it to test/helpers/iam/calls.ts`);
}
