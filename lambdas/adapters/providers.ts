/**
 * The providers of a deployment, by channel. Locally: email over SMTP when a server is given
 * (ORCA_SMTP_URL / --smtp, read by the caller), else the outbox folder; SMS and push always to the
 * outbox. In the cloud: SES v2, End User Messaging SMS and SNS, each configured from the function's
 * environment (the CDK construct sets it); a channel whose identity is not configured has no provider.
 */
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Providers } from '../ports/channel.js';
import { OutboxProvider } from './outbox-provider.js';
import { PushProvider } from './push-provider.js';
import { SesProvider } from './ses-provider.js';
import { SmsProvider } from './sms-provider.js';
import { SmtpProvider } from './smtp-provider.js';

export function localProviders(o: { dataRoot: string; smtpUrl?: string }): Providers {
  return {
    email: o.smtpUrl ? new SmtpProvider({ url: o.smtpUrl }) : new OutboxProvider('email', o.dataRoot),
    sms: new OutboxProvider('sms', o.dataRoot),
    push: new OutboxProvider('push', o.dataRoot),
  };
}

export interface AwsProviderClients {
  ses?: SESv2Client;
  sms?: PinpointSMSVoiceV2Client;
  sns?: SNSClient;
}

export function awsProviders(env: NodeJS.ProcessEnv = process.env, clients: AwsProviderClients = {}): Providers {
  const providers: Providers = {};
  if (env.ORCA_SES_IDENTITY)
    providers.email = new SesProvider(clients.ses ?? new SESv2Client({}), {
      identity: env.ORCA_SES_IDENTITY,
      configurationSet: env.ORCA_SES_CONFIGURATION_SET || undefined,
    });
  if (env.ORCA_SMS_ORIGINATION_IDENTITY)
    providers.sms = new SmsProvider(clients.sms ?? new PinpointSMSVoiceV2Client({}), {
      originationIdentity: env.ORCA_SMS_ORIGINATION_IDENTITY,
      configurationSet: env.ORCA_SMS_CONFIGURATION_SET || undefined,
    });
  if (env.ORCA_PUSH_PLATFORM_APPLICATION)
    providers.push = new PushProvider(clients.sns ?? new SNSClient({}), env.ORCA_PUSH_PLATFORM_APPLICATION);
  return providers;
}
