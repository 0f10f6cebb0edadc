/**
 * orca doctor's channel checks, request by request (aws-sdk-client-mock). What each answer means
 * comes from the services' API references: "Amazon SES API v2 Reference" — GetEmailIdentity
 * (VerifiedForSendingStatus), GetAccount (SendingEnabled, ProductionAccessEnabled: false is the
 * sandbox, SendQuota), GetConfigurationSetEventDestinations (EventBridgeDestination, Enabled,
 * MatchingEventTypes); "AWS End User Messaging SMS API v2 Reference" — DescribePhoneNumbers,
 * DescribePools, DescribeSenderIds, DescribeConfigurationSets; "Amazon SNS API Reference" —
 * GetPlatformApplicationAttributes (Enabled: "true" | "false").
 */
import {
  DescribeConfigurationSetsCommand,
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  DescribeSenderIdsCommand,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { GetPlatformApplicationAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChannelIdentities, channelChecks, channelTarget, identitiesFromEnv } from './doctor-channels.js';

const ses = mockClient(SESv2Client);
const sms = mockClient(PinpointSMSVoiceV2Client);
const sns = mockClient(SNSClient);
afterAll(() => {
  ses.restore();
  sms.restore();
  sns.restore();
});

const APP = 'arn:aws:sns:eu-west-1:123456789012:app/GCM/orca-app';
const ALL_EVENTS = ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'OPEN', 'CLICK', 'REJECT', 'RENDERING_FAILURE'] as const;
const identities: ChannelIdentities = {
  emailIdentity: 'example.com',
  emailConfigurationSet: 'orca-set',
  smsOriginationIdentity: 'phone-0a1b',
  smsConfigurationSet: 'orca-sms',
  pushPlatformApplication: APP,
};
const run = (over: Partial<ChannelIdentities> = {}) =>
  channelChecks(channelTarget('eu-west-1', { ...identities, ...over }));

beforeEach(() => {
  ses.reset();
  sms.reset();
  sns.reset();
  ses.on(GetEmailIdentityCommand).resolves({
    IdentityType: 'DOMAIN',
    VerifiedForSendingStatus: true,
    VerificationStatus: 'SUCCESS',
    DkimAttributes: { Status: 'SUCCESS' },
  });
  ses.on(GetAccountCommand).resolves({
    SendingEnabled: true,
    ProductionAccessEnabled: true,
    SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 1234 },
  });
  ses
    .on(GetConfigurationSetCommand)
    .resolves({ ConfigurationSetName: 'orca-set', SendingOptions: { SendingEnabled: true } });
  ses.on(GetConfigurationSetEventDestinationsCommand).resolves({
    EventDestinations: [
      {
        Name: 'orca-eventbridge',
        Enabled: true,
        MatchingEventTypes: [...ALL_EVENTS],
        EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' },
      },
    ],
  });
  sms.on(DescribePhoneNumbersCommand).resolves({
    PhoneNumbers: [
      {
        PhoneNumberArn: 'arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-0a1b',
        PhoneNumberId: 'phone-0a1b',
        PhoneNumber: '+18005550100',
        Status: 'ACTIVE',
        IsoCountryCode: 'US',
        MessageType: 'PROMOTIONAL',
        NumberCapabilities: ['SMS'],
        NumberType: 'TOLL_FREE',
      } as never,
    ],
  });
  sms
    .on(DescribeConfigurationSetsCommand)
    .resolves({ ConfigurationSets: [{ ConfigurationSetName: 'orca-sms' } as never] });
  sns.on(GetPlatformApplicationAttributesCommand).resolves({ Attributes: { Enabled: 'true' } });
});

describe('orca doctor: the sending identities', () => {
  it('a healthy deployment: each identity passes, asked by name', async () => {
    const checks = await run();
    expect(checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['SES identity example.com', true, 'example.com: domain verified for sending, DKIM SUCCESS'],
      [
        'SES account',
        true,
        'production access, 50,000 messages per 24 hours at 14 per second (1,234 sent in the last 24 hours)',
      ],
      [
        'SES configuration set orca-set',
        true,
        'orca-set: its destination orca-eventbridge sends 8 event types to EventBridge',
      ],
      ['SMS origination identity phone-0a1b', true, '+18005550100 (TOLL_FREE, US, PROMOTIONAL): active'],
      ['SMS configuration set orca-sms', true, 'orca-sms exists'],
      ['push platform application', true, `${APP}: enabled`],
    ]);
    expect(ses.commandCalls(GetEmailIdentityCommand)[0]!.args[0].input).toEqual({ EmailIdentity: 'example.com' });
    expect(ses.commandCalls(GetConfigurationSetEventDestinationsCommand)[0]!.args[0].input).toEqual({
      ConfigurationSetName: 'orca-set',
    });
    expect(sms.commandCalls(DescribePhoneNumbersCommand)[0]!.args[0].input).toEqual({ PhoneNumberIds: ['phone-0a1b'] });
    expect(sns.commandCalls(GetPlatformApplicationAttributesCommand)[0]!.args[0].input).toEqual({
      PlatformApplicationArn: APP,
    });
  });

  it('an unverified identity, the sandbox, a destination missing events: each says what is wrong and what to do', async () => {
    ses
      .on(GetEmailIdentityCommand)
      .resolves({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: false, VerificationStatus: 'PENDING' });
    ses.on(GetAccountCommand).resolves({
      SendingEnabled: true,
      ProductionAccessEnabled: false,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
    });
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({
      EventDestinations: [
        {
          Name: 'orca-eventbridge',
          Enabled: true,
          MatchingEventTypes: ['SEND', 'DELIVERY'],
          EventBridgeDestination: { EventBusArn: 'x' },
        },
      ],
    });
    const failed = (await run({ smsOriginationIdentity: undefined, pushPlatformApplication: undefined })).filter(
      (c) => !c.ok,
    );
    expect(failed.map((c) => [c.name, c.detail])).toEqual([
      ['SES identity example.com', 'example.com is not verified for sending (verification PENDING)'],
      [
        'SES account',
        'the account is in the SES sandbox: only verified recipients, 200 messages per 24 hours at 1 per second (0 sent in the last 24 hours)',
      ],
      [
        'SES configuration set orca-set',
        "orca-set's EventBridge destination orca-eventbridge leaves out BOUNCE, COMPLAINT, OPEN, CLICK, REJECT, RENDERING_FAILURE",
      ],
    ]);
    expect(failed[0]!.fix).toMatch(/DKIM CNAME records/);
    expect(failed[1]!.fix).toMatch(/production access/i);
    expect(failed[2]!.fix).toMatch(/EventBridge destination \(default bus\)/);
  });

  it('sending paused, no EventBridge destination, an address identity', async () => {
    ses
      .on(GetEmailIdentityCommand)
      .resolves({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: false, VerificationStatus: 'PENDING' });
    ses
      .on(GetAccountCommand)
      .resolves({ SendingEnabled: false, EnforcementStatus: 'SHUTDOWN', ProductionAccessEnabled: true });
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({
      EventDestinations: [
        { Name: 'sns', Enabled: true, MatchingEventTypes: ['BOUNCE'], SnsDestination: { TopicArn: 't' } },
      ],
    });
    const checks = await run({
      emailIdentity: 'news@example.com',
      smsOriginationIdentity: undefined,
      pushPlatformApplication: undefined,
    });
    expect(checks.map((c) => c.detail)).toEqual([
      'news@example.com is not verified for sending (verification PENDING)',
      'sending is disabled for this account in this region (enforcement status SHUTDOWN)',
      'orca-set has no enabled EventBridge event destination: orca hears of no delivery, bounce or complaint',
    ]);
    expect(checks[0]!.fix).toMatch(/follow the link SES mails to it/);
  });

  it('SMS: looked up by the identity’s kind (pool, sender ID); missing or inactive ones fail', async () => {
    sms
      .on(DescribePoolsCommand)
      .resolves({ Pools: [{ PoolId: 'pool-9', Status: 'CREATING', MessageType: 'PROMOTIONAL' } as never] });
    sms.on(DescribeSenderIdsCommand).resolves({ SenderIds: [] });
    sms.on(DescribeConfigurationSetsCommand).resolves({ ConfigurationSets: [] });
    const only = { emailIdentity: undefined, pushPlatformApplication: undefined };
    const pool = await run({ ...only, smsOriginationIdentity: 'pool-9' });
    expect(pool.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['SMS origination identity pool-9', false, 'pool pool-9 is CREATING'],
      ['SMS configuration set orca-sms', false, 'no configuration set orca-sms'],
    ]);
    expect(sms.commandCalls(DescribePoolsCommand)[0]!.args[0].input).toEqual({ PoolIds: ['pool-9'] });
    const sender = await run({
      ...only,
      smsConfigurationSet: undefined,
      smsOriginationIdentity: 'arn:aws:sms-voice:eu-west-1:123456789012:sender-id/ORCA/FR',
    });
    expect(sender.map((c) => c.detail)).toEqual(['no sender ID ORCA for FR in this account and region']);
    expect(sms.commandCalls(DescribeSenderIdsCommand)[0]!.args[0].input).toEqual({
      SenderIds: [{ SenderId: 'ORCA', IsoCountryCode: 'FR' }],
    });
    expect(sender[0]!.fix).toMatch(/orca:smsOriginationIdentity/);
    const bare = await run({ ...only, smsConfigurationSet: undefined, smsOriginationIdentity: '+33612345678' });
    expect(bare[0]!.detail).toMatch(/"\+33612345678": give a phone number id/);
  });

  it('push: a disabled platform application fails with what to do; a missing one reports SNS’s error', async () => {
    const only = { emailIdentity: undefined, smsOriginationIdentity: undefined };
    sns.on(GetPlatformApplicationAttributesCommand).resolves({ Attributes: { Enabled: 'false' } });
    const [disabled] = await run(only);
    expect(disabled).toMatchObject({ ok: false, detail: expect.stringMatching(/is disabled/) });
    expect(disabled!.fix).toMatch(/set-platform-application-attributes/);
    sns.on(GetPlatformApplicationAttributesCommand).rejects(new Error('PlatformApplication does not exist'));
    expect((await run(only))[0]!.detail).toBe('PlatformApplication does not exist');
  });

  it('no identity given: no check and no call; the environment names are the send function’s', async () => {
    expect(await channelChecks(channelTarget('eu-west-1', {}))).toEqual([]);
    expect([ses.calls(), sms.calls(), sns.calls()].flat()).toEqual([]);
    expect(identitiesFromEnv({ ORCA_SES_IDENTITY: 'example.com', ORCA_PUSH_PLATFORM_APPLICATION: APP })).toEqual({
      emailIdentity: 'example.com',
      emailConfigurationSet: undefined,
      smsOriginationIdentity: undefined,
      smsConfigurationSet: undefined,
      pushPlatformApplication: APP,
    });
  });
});
