/**
 * Least privilege for sending, checked grant by grant on the synthesized roles resolved to a
 * deployment's ARNs (account 123456789012, eu-west-1): each function of the channels holds exactly
 * the grants listed here, and no more. ARN formats: "Service Authorization Reference" — Amazon SES
 * v2 (identity, configuration-set), AWS End User Messaging SMS and Voice V2 (pool,
 * configuration-set), Amazon SNS (platform endpoints), AWS Secrets Manager (secret).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, ResolvedTemplate } from '../../test/helpers/iam/template.js';
import { orcaTemplate } from './template.js';

let t: ResolvedTemplate;
beforeAll(() => {
  t = new ResolvedTemplate(orcaTemplate().template.toJSON() as CfnTemplate);
});

const A = 'arn:aws';
const HERE = 'eu-west-1:123456789012';

/** Every Allow grant of a function's role as "action on resource", with the deployment's names shortened. */
function grants(functionPrefix: string): string[] {
  const fn = t.id('AWS::Lambda::Function', functionPrefix);
  const bucket = t.name(t.id('AWS::S3::Bucket', 'OrcaDataBucket'));
  const table = t.name(t.id('AWS::DynamoDB::Table', 'OrcaStatusTable'));
  return t
    .rolePolicies(t.roleOf(fn))
    .flatMap(({ policy }) => policy.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => [s.Action ?? []].flat().flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a} on ${r}`)))
    .map((g) =>
      g
        .replaceAll(bucket, '<bucket>')
        .replaceAll(`table/${table}`, 'table/<table>')
        .replace(/log-group:[A-Za-z0-9]+:/, 'log-group:<own>:')
        .replace(/secret:OrcaChannelsLinkSecret\w+-AbCdEf/, 'secret:<link secret>'),
    )
    .sort();
}

/** What orcaFunction gives every function: its own log streams, traces, the status table (CDK's grantReadWriteData). */
const TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];
const common = [
  `logs:CreateLogStream on ${A}:logs:${HERE}:log-group:<own>:*`,
  `logs:PutLogEvents on ${A}:logs:${HERE}:log-group:<own>:*`,
  `logs:CreateLogStream on ${A}:logs:${HERE}:log-group:<own>:*:*`,
  `logs:PutLogEvents on ${A}:logs:${HERE}:log-group:<own>:*:*`,
  'xray:PutTraceSegments on *',
  'xray:PutTelemetryRecords on *',
  ...TABLE_ACTIONS.flatMap((a) => [
    `${a} on ${A}:dynamodb:${HERE}:table/<table>`,
    `${a} on ${A}:dynamodb:${HERE}:table/<table>/index/*`,
  ]),
];
const secret = [
  `secretsmanager:GetSecretValue on ${A}:secretsmanager:${HERE}:secret:<link secret>`,
  `secretsmanager:DescribeSecret on ${A}:secretsmanager:${HERE}:secret:<link secret>`,
];

describe('least privilege for the channels (the shared stack: example.com, a pool, an FCM application)', () => {
  it('the send function: its chunks, the message log, the link secret, and each provider on the configured identities only', () => {
    const configurationSet = t.name(t.id('AWS::SES::ConfigurationSet', 'OrcaChannelsEmailConfigurationSet'));
    const smsSet = t.name(t.id('AWS::SMSVOICE::ConfigurationSet', 'OrcaChannelsSmsConfigurationSet'));
    expect(grants('OrcaChannelsSend')).toEqual(
      [
        ...common,
        ...secret,
        's3:GetObject on arn:aws:s3:::<bucket>/work/*',
        's3:PutObject on arn:aws:s3:::<bucket>/channels/messages/*',
        's3:AbortMultipartUpload on arn:aws:s3:::<bucket>/channels/messages/*',
        // SendEmail: the identity (required) and the configuration set; nothing else.
        `ses:SendEmail on ${A}:ses:${HERE}:identity/example.com`,
        `ses:SendEmail on ${A}:ses:${HERE}:configuration-set/${configurationSet}`,
        `sms-voice:SendTextMessage on ${A}:sms-voice:${HERE}:pool/pool-0123456789abcdef0123456789abcdef`,
        `sms-voice:SendTextMessage on ${A}:sms-voice:${HERE}:configuration-set/${smsSet}`,
        `sns:Publish on ${A}:sns:${HERE}:endpoint/GCM/orca-app/*`,
      ].sort(),
    );
  });

  it('the events function: the status table, opt-out files (bounces, complaints); no link secret (it signs nothing)', () => {
    expect(grants('OrcaChannelsEvents')).toEqual(
      [
        ...common,
        's3:PutObject on arn:aws:s3:::<bucket>/channels/optouts/*',
        's3:AbortMultipartUpload on arn:aws:s3:::<bucket>/channels/optouts/*',
      ].sort(),
    );
  });

  it('the API function adds the link secret, opt-out files (unsubscribes) and the SES sending quota to what it had, and no sending', () => {
    const api = grants('OrcaApiHandler');
    for (const g of [...secret, 's3:PutObject on arn:aws:s3:::<bucket>/channels/optouts/*']) expect(api).toContain(g);
    // Publication's quota warning: GetAccount (SendQuota.MaxSendRate) has no resource type.
    expect(api.filter((g) => /^(ses|sms-voice|sns):/.test(g))).toEqual(['ses:GetAccount on *']);
    expect(api.filter((g) => g.includes('/channels/'))).toEqual([
      's3:AbortMultipartUpload on arn:aws:s3:::<bucket>/channels/optouts/*',
      's3:PutObject on arn:aws:s3:::<bucket>/channels/optouts/*',
    ]);
  });

  it('no other role may send (SES, SMS, SNS endpoints) or read the link secret', () => {
    const send = t.roleOf(t.id('AWS::Lambda::Function', 'OrcaChannelsSend'));
    const holders = new Map<string, string[]>();
    for (const [roleId] of t.resourcesOfType('AWS::IAM::Role')) {
      const actions = t
        .rolePolicies(roleId)
        .flatMap(({ policy }) => policy.Statement)
        .flatMap((s) => [s.Action ?? []].flat());
      for (const a of actions.filter((x) =>
        /^(ses:SendEmail|sms-voice:SendTextMessage|secretsmanager:GetSecretValue)$/.test(x),
      ))
        holders.set(a, [...(holders.get(a) ?? []), roleId.replace(/Role[0-9A-F]{8}$/, '')]);
    }
    expect(holders.get('ses:SendEmail')).toEqual([send.replace(/Role[0-9A-F]{8}$/, '')]);
    expect(holders.get('sms-voice:SendTextMessage')).toEqual([send.replace(/Role[0-9A-F]{8}$/, '')]);
    expect(holders.get('secretsmanager:GetSecretValue')?.sort()).toEqual(['OrcaApiHandler', 'OrcaChannelsSend']);
  });
});
