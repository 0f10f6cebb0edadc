/**
 * SMS through AWS End User Messaging (pinpoint-sms-voice-v2 SendTextMessage), one recipient per
 * call, from the origination identity (a phone number, sender id or pool), with the configuration
 * set that publishes its events and a Context naming the campaign, run, activity and message.
 */
import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import { isAwsError } from './aws-errors.js';

export interface SmsSettings {
  originationIdentity?: string;
  configurationSet?: string;
}

/** What SendTextMessage's errors mean for one message (End User Messaging SMS API v2 reference, SendTextMessage, Errors). */
export function classifySmsError(e: unknown): SendOutcome | undefined {
  const r = e as Error & { Reason?: string };
  const reason = `${r.name}${r.Reason ? ` (${r.Reason})` : ''}: ${r.message}`;
  if (isAwsError(e, 'ThrottlingException')) return { status: 'throttled', reason };
  // ValidationException (an invalid number, a destination not allowed), ConflictException (the
  // number opted out: Reason DESTINATION_PHONE_NUMBER_OPTED_OUT), ResourceNotFoundException (no such
  // origination identity or configuration set), ServiceQuotaExceededException (a spend limit reached).
  if (
    isAwsError(
      e,
      'ValidationException',
      'ConflictException',
      'ResourceNotFoundException',
      'ServiceQuotaExceededException',
    )
  )
    return { status: 'failed', reason };
  return undefined;
}

export class SmsProvider implements MessageProvider {
  readonly channel = 'sms' as const;
  readonly description: string;

  constructor(
    private readonly sms: PinpointSMSVoiceV2Client,
    private readonly settings: SmsSettings = {},
  ) {
    this.description = `End User Messaging SMS (${settings.originationIdentity ?? 'default origination identity'})`;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.channel !== 'sms') return { status: 'failed', reason: `the SMS provider sends SMS, not ${m.channel}` };
    const from = m.sms.from ?? this.settings.originationIdentity;
    try {
      const r = await this.sms.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: m.to,
          ...(from ? { OriginationIdentity: from } : {}),
          MessageBody: m.sms.text,
          MessageType: 'PROMOTIONAL',
          ...(this.settings.configurationSet ? { ConfigurationSetName: this.settings.configurationSet } : {}),
          Context: { campaign: m.campaignId, run: m.runId, activity: m.activityId, message: m.messageId },
        }),
      );
      return { status: 'sent', ...(r.MessageId ? { providerId: r.MessageId } : {}) };
    } catch (err) {
      const outcome = classifySmsError(err);
      if (outcome) return outcome;
      throw err;
    }
  }
}
