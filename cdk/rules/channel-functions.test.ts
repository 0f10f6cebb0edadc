/**
 * The send and events functions as deployed: the environment the entries read (the design's names),
 * the send function's time-out (Lambda's maximum, 15 minutes: "AWS Lambda Developer Guide — Lambda
 * quotas"; the sender stops a minute before it), the status table's TTL attribute, and bad
 * identities refused at synth with a message saying what to give.
 */
import { describe, expect, it } from 'vitest';
import { channelSettings } from '../channel-settings.js';
import { ChannelSettingsInvalid } from '../constructs/channels.js';
import { noChannelsTemplate, orcaTemplate, resourcesOf, templateOf } from './template.js';

const fn = (prefix: string, template = orcaTemplate().template) =>
  resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))![1].Properties;
const orcaEnv = (f: { Environment: { Variables: Record<string, unknown> } }) =>
  Object.keys(f.Environment.Variables)
    .filter((k) => k.startsWith('ORCA_'))
    .sort();

describe('the channel functions', () => {
  it('send: 15 minutes, and the environment of the design (table, bucket, links, each identity)', () => {
    const send = fn('OrcaChannelsSend');
    expect(send.Timeout).toBe(900);
    expect(orcaEnv(send)).toEqual([
      'ORCA_ACCOUNT',
      'ORCA_BUCKET',
      'ORCA_DATABASE',
      'ORCA_LINK_SECRET_ARN',
      'ORCA_PARTITION',
      'ORCA_PUBLIC_URL',
      'ORCA_PUSH_PLATFORM_APPLICATION',
      'ORCA_SES_CONFIGURATION_SET',
      'ORCA_SES_IDENTITY',
      'ORCA_SMS_CONFIGURATION_SET',
      'ORCA_SMS_ORIGINATION_IDENTITY',
      'ORCA_TABLE',
      'ORCA_WORKGROUP',
    ]);
    const v = send.Environment.Variables;
    expect(v.ORCA_SES_IDENTITY).toBe('example.com');
    expect(v.ORCA_SMS_ORIGINATION_IDENTITY).toBe('pool-0123456789abcdef0123456789abcdef');
    expect(v.ORCA_PUSH_PLATFORM_APPLICATION).toBe('arn:aws:sns:eu-west-1:123456789012:app/GCM/orca-app');
    expect(v.ORCA_SES_CONFIGURATION_SET).toEqual({ Ref: expect.stringMatching(/^OrcaChannelsEmailConfigurationSet/) });
    expect(v.ORCA_LINK_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^OrcaChannelsLinkSecret/) });
  });

  it('events: the table and the bucket (opt-outs)', () => {
    expect(orcaEnv(fn('OrcaChannelsEvents'))).toEqual(['ORCA_ACCOUNT', 'ORCA_BUCKET', 'ORCA_PARTITION', 'ORCA_TABLE']);
  });

  it('no identity set: the send function has none in its environment (a send fails with the provider’s refusal)', () => {
    const send = fn('OrcaChannelsSend', noChannelsTemplate().template);
    expect(orcaEnv(send).filter((k) => /SES|SMS|PUSH/.test(k))).toEqual([]);
  });

  it("the status table's items expire by their ttl attribute (the ledger's and the rate limiter's)", () => {
    const table = resourcesOf(orcaTemplate().template, 'AWS::DynamoDB::Table')[0]![1].Properties;
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
  });

  it('a bare phone number or an ARN that is not a platform application is refused, naming what to give', () => {
    expect(() => templateOf({ channels: { sms: { originationIdentity: '+15555550100' } } })).toThrow(
      /SMS origination identity "\+15555550100": give a phone number id \(phone-…\), a pool id \(pool-…\)/,
    );
    expect(() =>
      templateOf({ channels: { push: { platformApplicationArn: 'arn:aws:sns:eu-west-1:123456789012:topic' } } }),
    ).toThrow(ChannelSettingsInvalid);
  });

  it('context settings (cdk.json or -c orca:…) become the channels', () => {
    const ctx = (values: Record<string, string>) => (key: string) => values[key];
    expect(
      channelSettings(
        ctx({
          emailIdentity: 'example.com',
          smsOriginationIdentity: 'phone-abc',
          smsPrice: '0.00581',
          smsConfigurationSet: 'sms',
          pushPlatformApplication: 'arn:aws:sns:eu-west-1:123456789012:app/APNS/app',
        }),
      ),
    ).toEqual({
      email: { identity: 'example.com' },
      sms: { originationIdentity: 'phone-abc', configurationSet: 'sms', pricePerMessage: 0.00581 },
      push: { platformApplicationArn: 'arn:aws:sns:eu-west-1:123456789012:app/APNS/app' },
    });
    expect(channelSettings(ctx({}))).toEqual({});
    expect(() => channelSettings(ctx({ smsOriginationIdentity: 'phone-abc', smsPrice: 'cheap' }))).toThrow(
      'orca:smsPrice: "cheap" is not a price in USD (for example 0.00581)',
    );
  });
});
