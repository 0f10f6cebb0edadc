/**
 * Push through SNS Publish to a platform endpoint (TargetArn: the endpoint ARN is the address),
 * with a per-platform message (MessageStructure 'json'): APNs and FCM payloads carrying the title,
 * the body and the deep link, and a default for the other platforms.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { MessageProvider, OutgoingMessage, PushContent, SendOutcome } from '../ports/channel.js';
import { isAwsError } from './aws-errors.js';

/**
 * The JSON message of Publish with MessageStructure 'json': a top-level object of strings, one per
 * platform, each the platform's own payload as a string (SNS developer guide, "Sending
 * platform-specific payloads in messages to mobile devices").
 */
export function pushMessage(p: PushContent): string {
  const apns = JSON.stringify({
    aps: { alert: { title: p.title, body: p.body } },
    ...(p.deepLink ? { deepLink: p.deepLink } : {}),
  });
  const gcm = JSON.stringify({
    notification: { title: p.title, body: p.body },
    ...(p.deepLink ? { data: { deepLink: p.deepLink } } : {}),
  });
  return JSON.stringify({ default: p.body, APNS: apns, APNS_SANDBOX: apns, GCM: gcm });
}

/** What Publish's errors mean for one message (SNS API reference, Publish, Errors). */
export function classifyPushError(e: unknown): SendOutcome | undefined {
  const reason = `${(e as Error).name}: ${(e as Error).message}`;
  if (isAwsError(e, 'ThrottledException', 'Throttling')) return { status: 'throttled', reason };
  // EndpointDisabled (the device token is no longer valid), InvalidParameter / InvalidParameterValue
  // (not an endpoint ARN, a payload the platform refuses), NotFound (no such endpoint),
  // PlatformApplicationDisabled.
  if (
    isAwsError(
      e,
      'EndpointDisabledException',
      'InvalidParameterException',
      'InvalidParameterValueException',
      'NotFoundException',
      'PlatformApplicationDisabledException',
    )
  )
    return { status: 'failed', reason };
  return undefined;
}

export class PushProvider implements MessageProvider {
  readonly channel = 'push' as const;
  readonly description: string;

  constructor(
    private readonly sns: SNSClient,
    platformApplication?: string,
  ) {
    this.description = `SNS mobile push${platformApplication ? ` (${platformApplication})` : ''}`;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.channel !== 'push') return { status: 'failed', reason: `the push provider sends push, not ${m.channel}` };
    try {
      const r = await this.sns.send(
        new PublishCommand({ TargetArn: m.to, MessageStructure: 'json', Message: pushMessage(m.push) }),
      );
      return { status: 'sent', ...(r.MessageId ? { providerId: r.MessageId } : {}) };
    } catch (err) {
      const outcome = classifyPushError(err);
      if (outcome) return outcome;
      throw err;
    }
  }
}
