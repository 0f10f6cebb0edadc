/**
 * The sending grants evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate) on the
 * synthesized roles, resolved to a deployment (account 123456789012, eu-west-1): each provider
 * call is allowed on the configured identity and configuration set, and denied on any other.
 * Resource types per call: "Service Authorization Reference" — Amazon SES v2 (SendEmail: identity,
 * configuration-set), AWS End User Messaging SMS and Voice V2 (SendTextMessage: pool, phone-number,
 * sender-id, configuration-set), Amazon SNS (Publish to a platform endpoint ARN).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RoleSimulator } from '../../test/helpers/iam/simulate.js';
import { type CfnTemplate, ResolvedTemplate } from '../../test/helpers/iam/template.js';
import { orcaTemplate } from './template.js';

let t: ResolvedTemplate;
let bucket: string;
const simulators = new Map<string, RoleSimulator>();

beforeAll(() => {
  t = new ResolvedTemplate(orcaTemplate().template.toJSON() as CfnTemplate);
  bucket = t.getAtt(t.id('AWS::S3::Bucket', 'OrcaDataBucket'), 'Arn');
});

/** The simulator of a function's role (with the data bucket's policy). */
function role(functionPrefix: string): RoleSimulator {
  let s = simulators.get(functionPrefix);
  if (!s) {
    const roleId = t.roleOf(t.id('AWS::Lambda::Function', functionPrefix));
    const bucketId = t.id('AWS::S3::Bucket', 'OrcaDataBucket');
    const policy = t.resourcePolicy('AWS::S3::BucketPolicy', 'Bucket', bucketId);
    s = new RoleSimulator(t.getAtt(roleId, 'Arn'), t.rolePolicies(roleId), policy ? [{ prefix: bucket, policy }] : []);
    simulators.set(functionPrefix, s);
  }
  return s;
}

async function allowed(functionPrefix: string, action: string, resource: string): Promise<boolean> {
  return (await role(functionPrefix).evaluate({ action, resource, source: 'channel-iam-simulation' })).allowed;
}

const HERE = 'arn:aws:ses:eu-west-1:123456789012';
const SMS = 'arn:aws:sms-voice:eu-west-1:123456789012';
const SNS = 'arn:aws:sns:eu-west-1:123456789012';

describe('IAM simulation of the sending grants', () => {
  it('ses:SendEmail: allowed on the identity and the configuration set, denied on another identity or set; only the send function (the API reads the sending quota)', async () => {
    const set = t.name(t.id('AWS::SES::ConfigurationSet', 'OrcaChannelsEmailConfigurationSet'));
    expect(await allowed('OrcaChannelsSend', 'ses:SendEmail', `${HERE}:identity/example.com`)).toBe(true);
    expect(await allowed('OrcaChannelsSend', 'ses:SendEmail', `${HERE}:configuration-set/${set}`)).toBe(true);
    expect(await allowed('OrcaChannelsSend', 'ses:SendEmail', `${HERE}:identity/other.example`)).toBe(false);
    expect(await allowed('OrcaChannelsSend', 'ses:SendEmail', `${HERE}:configuration-set/someone-elses`)).toBe(false);
    // The same identity in another region or account is another resource.
    expect(
      await allowed('OrcaChannelsSend', 'ses:SendEmail', 'arn:aws:ses:us-east-1:123456789012:identity/example.com'),
    ).toBe(false);
    expect(await allowed('OrcaApiHandler', 'ses:GetAccount', '*')).toBe(true);
    expect(await allowed('OrcaChannelsSend', 'ses:GetAccount', '*')).toBe(false);
    for (const other of ['OrcaChannelsEvents', 'OrcaApiHandler', 'OrcaFunctionsGate'])
      expect(await allowed(other, 'ses:SendEmail', `${HERE}:identity/example.com`), other).toBe(false);
  });

  it('sms-voice:SendTextMessage: allowed on the pool and the configuration set, denied on another pool, a phone number or another set', async () => {
    const set = t.name(t.id('AWS::SMSVOICE::ConfigurationSet', 'OrcaChannelsSmsConfigurationSet'));
    const pool = `${SMS}:pool/pool-0123456789abcdef0123456789abcdef`;
    expect(await allowed('OrcaChannelsSend', 'sms-voice:SendTextMessage', pool)).toBe(true);
    expect(await allowed('OrcaChannelsSend', 'sms-voice:SendTextMessage', `${SMS}:configuration-set/${set}`)).toBe(
      true,
    );
    expect(await allowed('OrcaChannelsSend', 'sms-voice:SendTextMessage', `${SMS}:pool/pool-ffffffffffffffff`)).toBe(
      false,
    );
    expect(await allowed('OrcaChannelsSend', 'sms-voice:SendTextMessage', `${SMS}:phone-number/phone-0123`)).toBe(
      false,
    );
    expect(await allowed('OrcaChannelsSend', 'sms-voice:SendTextMessage', `${SMS}:configuration-set/other`)).toBe(
      false,
    );
    expect(await allowed('OrcaChannelsEvents', 'sms-voice:SendTextMessage', pool)).toBe(false);
  });

  it('sns:Publish: allowed to the platform application’s endpoints, denied to another application’s and to topics', () => {
    // The simulator's service data knows only the topic resource type for sns:Publish (it refuses
    // an endpoint ARN: "no.resource.types"), though SNS authorizes Publish "to a topic or endpoint"
    // ("Amazon SNS Developer Guide — API permissions: actions and resources reference"). So the
    // role's grants are matched here as IAM matches a Resource ("IAM User Guide — IAM JSON policy
    // elements: Resource": * matches any characters, / included; case-sensitive).
    const roleId = t.roleOf(t.id('AWS::Lambda::Function', 'OrcaChannelsSend'));
    const publish = t
      .rolePolicies(roleId)
      .flatMap(({ policy }) => policy.Statement)
      .filter((st) => st.Effect === 'Allow' && [st.Action ?? []].flat().includes('sns:Publish'))
      .flatMap((st) => [st.Resource ?? []].flat());
    const matches = (pattern: string, arn: string) =>
      new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`).test(arn);
    const may = (arn: string) => publish.some((p) => matches(p, arn));
    expect(may(`${SNS}:endpoint/GCM/orca-app/5a0c7f0e-1b2d-3c4e-8f90-a1b2c3d4e5f6`)).toBe(true);
    expect(may(`${SNS}:endpoint/GCM/other-app/5a0c7f0e`)).toBe(false);
    expect(may(`${SNS}:endpoint/APNS/orca-app/5a0c7f0e`)).toBe(false);
    expect(may(`${SNS}:some-topic`)).toBe(false);
    expect(may('arn:aws:sns:us-east-1:123456789012:endpoint/GCM/orca-app/5a0c7f0e')).toBe(false);
  });

  it('the link secret: the send and API functions read it; the events function (it signs nothing) and the gate do not', async () => {
    const secret = t.ref(t.id('AWS::SecretsManager::Secret', 'OrcaChannelsLinkSecret'));
    for (const f of ['OrcaChannelsSend', 'OrcaApiHandler'])
      expect(await allowed(f, 'secretsmanager:GetSecretValue', secret), f).toBe(true);
    for (const f of ['OrcaChannelsEvents', 'OrcaFunctionsGate'])
      expect(await allowed(f, 'secretsmanager:GetSecretValue', secret), f).toBe(false);
  });

  it('the lake: the send function writes the message log only; the events and API functions write opt-outs only', async () => {
    const messages = () => `${bucket}/channels/messages/channel=email/day=2026-12-01/r1_mail_0.jsonl`;
    const optouts = () => `${bucket}/channels/optouts/channel=email/day=2026-12-01/0b7e.jsonl`;
    expect(await allowed('OrcaChannelsSend', 's3:PutObject', messages())).toBe(true);
    expect(await allowed('OrcaChannelsSend', 's3:PutObject', optouts())).toBe(false);
    expect(
      await allowed(
        'OrcaChannelsSend',
        's3:GetObject',
        `${bucket}/work/winback/r1/mail/orca_output=messages/0.parquet`,
      ),
    ).toBe(true);
    expect(await allowed('OrcaChannelsSend', 's3:GetObject', `${bucket}/catalog/recipients/part-0.parquet`)).toBe(
      false,
    );
    for (const f of ['OrcaChannelsEvents', 'OrcaApiHandler']) {
      expect(await allowed(f, 's3:PutObject', optouts()), f).toBe(true);
      expect(await allowed(f, 's3:PutObject', messages()), f).toBe(false);
    }
  });
});
