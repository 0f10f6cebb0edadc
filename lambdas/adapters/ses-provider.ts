/**
 * Email through SES v2 SendEmail, one recipient per call: Content.Simple carries the RFC 8058
 * headers (the bulk calls cannot), the configuration set publishes the events, the message tags
 * name the campaign, run, activity and message for the event function.
 */
import { GetAccountCommand, SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import { isAwsError } from './aws-errors.js';

export interface SesSettings {
  /** The configuration set whose event destination records deliveries, bounces, opens... */
  configurationSet?: string;
  /** The sending identity (a domain or an address, or its ARN: then sent as FromEmailAddressIdentityArn). */
  identity?: string;
}

/**
 * SES message tag names and values: only ASCII letters, digits, `_` and `-`, at most 256 characters
 * (SES API v2 reference, MessageTag: https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageTag.html).
 */
export function sesTagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}

/** What SES's errors mean for one message (SES API v2 reference, SendEmail, Errors). */
export function classifySesError(e: unknown): SendOutcome | undefined {
  const reason = `${(e as Error).name}: ${(e as Error).message}`;
  // TooManyRequestsException (429: too many requests), LimitExceededException (a sending quota).
  if (
    isAwsError(e, 'TooManyRequestsException', 'LimitExceededException', 'Throttling', 'ThrottlingException') ||
    (e as { $retryable?: { throttling?: boolean } })?.$retryable?.throttling
  )
    return { status: 'throttled', reason };
  // MessageRejected (e.g. a virus, an address refused), MailFromDomainNotVerifiedException,
  // AccountSuspendedException, SendingPausedException (sending disabled for the account or
  // configuration set), NotFoundException (an unverified identity or a missing configuration set),
  // BadRequestException (an invalid address or header).
  if (
    isAwsError(
      e,
      'MessageRejected',
      'MailFromDomainNotVerifiedException',
      'AccountSuspendedException',
      'SendingPausedException',
      'NotFoundException',
      'BadRequestException',
    )
  )
    return { status: 'failed', reason };
  return undefined;
}

export class SesProvider implements MessageProvider {
  readonly channel = 'email' as const;
  readonly description: string;
  private maxRate: Promise<number | undefined> | undefined;

  constructor(
    private readonly ses: SESv2Client,
    private readonly settings: SesSettings = {},
  ) {
    this.description = `SES (identity ${settings.identity ?? 'of the From address'}${settings.configurationSet ? `, configuration set ${settings.configurationSet}` : ''})`;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.channel !== 'email') return { status: 'failed', reason: `the SES provider sends email, not ${m.channel}` };
    const e = m.email;
    const utf8 = (Data: string) => ({ Data, Charset: 'UTF-8' });
    try {
      const r = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: e.from,
          ...(this.settings.identity?.startsWith('arn:')
            ? { FromEmailAddressIdentityArn: this.settings.identity }
            : {}),
          Destination: { ToAddresses: [m.to] },
          ...(e.replyTo ? { ReplyToAddresses: [e.replyTo] } : {}),
          Content: {
            Simple: {
              Subject: utf8(e.subject),
              Body: {
                ...(e.html !== undefined ? { Html: utf8(e.html) } : {}),
                ...(e.text !== undefined ? { Text: utf8(e.text) } : {}),
              },
              Headers: Object.entries(e.headers).map(([Name, Value]) => ({ Name, Value })),
            },
          },
          ...(this.settings.configurationSet ? { ConfigurationSetName: this.settings.configurationSet } : {}),
          EmailTags: [
            { Name: 'campaign', Value: sesTagValue(m.campaignId) },
            { Name: 'run', Value: sesTagValue(m.runId) },
            { Name: 'activity', Value: sesTagValue(m.activityId) },
            { Name: 'message', Value: sesTagValue(m.messageId) },
          ],
        }),
      );
      return { status: 'sent', ...(r.MessageId ? { providerId: r.MessageId } : {}) };
    } catch (err) {
      const outcome = classifySesError(err);
      if (outcome) return outcome;
      throw err;
    }
  }

  /** The account's maximum send rate (GetAccount SendQuota.MaxSendRate, messages per second). */
  maxPerSecond(): Promise<number | undefined> {
    this.maxRate ??= this.ses.send(new GetAccountCommand({})).then((a) => a.SendQuota?.MaxSendRate);
    return this.maxRate;
  }
}
