/**
 * `orca doctor`'s channel checks: the sending identities a deployment was given (they are the
 * user's; orca creates none), each looked up with the service's own API, each failure saying what
 * to do.
 *
 * - Email: the SES identity is verified for sending (sesv2 GetEmailIdentity), the account may send
 *   and is out of the sandbox (GetAccount: SendingEnabled, ProductionAccessEnabled, SendQuota),
 *   the configuration set exists with an enabled EventBridge destination for the events orca
 *   records (GetConfigurationSet, GetConfigurationSetEventDestinations).
 * - SMS: the origination identity exists and is active (pinpoint-sms-voice-v2 DescribePhoneNumbers,
 *   DescribePools or DescribeSenderIds, by the identity's kind), and the configuration set exists
 *   (DescribeConfigurationSets).
 * - Push: the SNS platform application is enabled (GetPlatformApplicationAttributes: SNS disables
 *   it when the platform refuses its credentials).
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
import { parseOriginationIdentity, SES_EVENT_TYPES } from '../lambdas/channels/identities.js';
import { type Check, check, must } from './checks.js';

/** The identities of a deployment (what it was deployed with: -c orca:emailIdentity=... and so on). */
export interface ChannelIdentities {
  emailIdentity?: string | undefined;
  emailConfigurationSet?: string | undefined;
  smsOriginationIdentity?: string | undefined;
  smsConfigurationSet?: string | undefined;
  pushPlatformApplication?: string | undefined;
}

export interface ChannelTarget extends ChannelIdentities {
  ses: SESv2Client;
  sms: PinpointSMSVoiceV2Client;
  sns: SNSClient;
}

export function channelTarget(region: string, identities: ChannelIdentities): ChannelTarget {
  return {
    ...identities,
    ses: new SESv2Client({ region }),
    sms: new PinpointSMSVoiceV2Client({ region }),
    sns: new SNSClient({ region }),
  };
}

/** The same names as the send function's environment, so a shell can share them. */
export function identitiesFromEnv(env: NodeJS.ProcessEnv = process.env): ChannelIdentities {
  return {
    emailIdentity: env.ORCA_SES_IDENTITY,
    emailConfigurationSet: env.ORCA_SES_CONFIGURATION_SET,
    smsOriginationIdentity: env.ORCA_SMS_ORIGINATION_IDENTITY,
    smsConfigurationSet: env.ORCA_SMS_CONFIGURATION_SET,
    pushPlatformApplication: env.ORCA_PUSH_PLATFORM_APPLICATION,
  };
}

const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');

export async function channelChecks(c: ChannelTarget): Promise<Check[]> {
  const checks: Check[] = [];
  if (c.emailIdentity) checks.push(...(await emailChecks(c, c.emailIdentity)));
  if (c.smsOriginationIdentity) checks.push(...(await smsChecks(c, c.smsOriginationIdentity)));
  if (c.pushPlatformApplication) checks.push(await pushCheck(c, c.pushPlatformApplication));
  return checks;
}

async function emailChecks(c: ChannelTarget, identity: string): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check(
      `SES identity ${identity}`,
      async () => {
        const id = await c.ses.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
        must(
          id.VerifiedForSendingStatus === true,
          `${identity} is not verified for sending (verification ${id.VerificationStatus ?? 'unknown'})`,
        );
        return `${identity}: ${id.IdentityType === 'DOMAIN' ? 'domain' : 'address'} verified for sending${id.DkimAttributes?.Status ? `, DKIM ${id.DkimAttributes.Status}` : ''}`;
      },
      identity.includes('@')
        ? `verify the address: aws sesv2 create-email-identity --email-identity ${identity}, then follow the link SES mails to it`
        : `verify the domain: aws sesv2 create-email-identity --email-identity ${identity}, then publish the three DKIM CNAME records it returns in the domain's DNS (SES checks them for up to 72 hours)`,
    ),
  );
  checks.push(
    await check(
      'SES account',
      async () => {
        const a = await c.ses.send(new GetAccountCommand({}));
        must(
          a.SendingEnabled === true,
          `sending is disabled for this account in this region (enforcement status ${a.EnforcementStatus ?? 'unknown'})`,
        );
        const q = a.SendQuota ?? {};
        const quota = `${n(q.Max24HourSend)} messages per 24 hours at ${n(q.MaxSendRate)} per second (${n(q.SentLast24Hours)} sent in the last 24 hours)`;
        must(
          a.ProductionAccessEnabled === true,
          `the account is in the SES sandbox: only verified recipients, ${quota}`,
        );
        return `production access, ${quota}`;
      },
      'leave the sandbox: SES console, Get set up / Request production access (or aws sesv2 put-account-details --production-access-enabled --mail-type MARKETING --website-url ... --use-case-description ...); if sending is paused, read the account dashboard’s reputation findings',
    ),
  );
  const name = c.emailConfigurationSet;
  if (name)
    checks.push(
      await check(
        `SES configuration set ${name}`,
        async () => {
          const set = await c.ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }));
          must(set.SendingOptions?.SendingEnabled !== false, `sending is disabled in the configuration set ${name}`);
          const { EventDestinations = [] } = await c.ses.send(
            new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }),
          );
          const bus = EventDestinations.find((d) => d.Enabled && d.EventBridgeDestination);
          must(
            bus,
            `${name} has no enabled EventBridge event destination: orca hears of no delivery, bounce or complaint`,
          );
          const missing = SES_EVENT_TYPES.filter((t) => !bus.MatchingEventTypes?.includes(t));
          must(missing.length === 0, `${name}'s EventBridge destination ${bus.Name} leaves out ${missing.join(', ')}`);
          return `${name}: its destination ${bus.Name} sends ${SES_EVENT_TYPES.length} event types to EventBridge`;
        },
        `deploy without orca:emailConfigurationSet (orca creates one with its destination), or add to ${name} an EventBridge destination (default bus) for ${SES_EVENT_TYPES.join(', ')}`,
      ),
    );
  return checks;
}

async function smsChecks(c: ChannelTarget, identity: string): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check(
      `SMS origination identity ${identity}`,
      async () => {
        const o = parseOriginationIdentity(identity);
        if ('error' in o) throw new Error(o.error);
        if (o.kind === 'phoneNumber') {
          const [p] =
            (await c.sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [o.id] }))).PhoneNumbers ?? [];
          must(p, `no phone number ${o.id} in this account and region`);
          must(p.Status === 'ACTIVE', `phone number ${p.PhoneNumber} is ${p.Status}`);
          must(p.NumberCapabilities?.includes('SMS'), `phone number ${p.PhoneNumber} cannot send SMS`);
          return `${p.PhoneNumber} (${p.NumberType}, ${p.IsoCountryCode}, ${p.MessageType}): active`;
        }
        if (o.kind === 'pool') {
          const [p] = (await c.sms.send(new DescribePoolsCommand({ PoolIds: [o.id] }))).Pools ?? [];
          must(p, `no pool ${o.id} in this account and region`);
          must(p.Status === 'ACTIVE', `pool ${o.id} is ${p.Status}`);
          return `pool ${o.id} (${p.MessageType}): active`;
        }
        const [s] =
          (
            await c.sms.send(
              new DescribeSenderIdsCommand({ SenderIds: [{ SenderId: o.senderId, IsoCountryCode: o.isoCountryCode }] }),
            )
          ).SenderIds ?? [];
        must(s, `no sender ID ${o.senderId} for ${o.isoCountryCode} in this account and region`);
        return `sender ID ${s.SenderId} (${s.IsoCountryCode}${s.Registered === false ? ', not registered' : ''})`;
      },
      'request an origination identity in the AWS End User Messaging SMS console (Phone numbers or Sender IDs, Request originator), complete its registration where the country requires one, then deploy with -c orca:smsOriginationIdentity=<its id or ARN>',
    ),
  );
  const name = c.smsConfigurationSet;
  if (name)
    checks.push(
      await check(
        `SMS configuration set ${name}`,
        async () => {
          const [set] =
            (await c.sms.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: [name] })))
              .ConfigurationSets ?? [];
          must(set, `no configuration set ${name}`);
          return `${name} exists`;
        },
        'deploy orca again (it creates its configuration set), or pass the one it was deployed with (the send function’s ORCA_SMS_CONFIGURATION_SET)',
      ),
    );
  return checks;
}

async function pushCheck(c: ChannelTarget, arn: string): Promise<Check> {
  return check(
    'push platform application',
    async () => {
      const { Attributes = {} } = await c.sns.send(
        new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn }),
      );
      must(
        Attributes.Enabled === 'true',
        `${arn} is disabled (SNS disables an application whose credentials the platform refuses)`,
      );
      return `${arn}: enabled`;
    },
    'renew the platform credentials (FCM key, APNs certificate or token) with aws sns set-platform-application-attributes, or create the application (aws sns create-platform-application) and deploy with -c orca:pushPlatformApplication=<its ARN>',
  );
}
