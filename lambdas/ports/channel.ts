/**
 * Channel providers: what hands one rendered message to a sending service. Cloud: SES v2 (email),
 * End User Messaging SMS (pinpoint-sms-voice-v2), SNS (push). Local: SMTP with nodemailer, or the
 * outbox folder under the data folder. The chunk sender is the same code for all of them.
 */
import type { Channel } from '../channels/columns.js';

export type { Channel };

export interface MessageContext {
  /** orca's message id (orca_message_id): deterministic per run, activity and recipient. */
  messageId: string;
  campaignId: string;
  runId: string;
  activityId: string;
  /** The recipient's key in the campaign's dimension, as text. */
  key: string;
}

export interface EmailContent {
  from: string;
  replyTo?: string;
  subject: string;
  html?: string;
  text?: string;
  /** Extra headers: List-Unsubscribe, List-Unsubscribe-Post (RFC 8058). */
  headers: Record<string, string>;
}

export interface SmsContent {
  /** Origination identity (a phone number, sender id or pool); the provider's default when absent. */
  from?: string;
  text: string;
}

export interface PushContent {
  title: string;
  body: string;
  deepLink?: string;
}

export type OutgoingMessage = MessageContext & { to: string } & (
    | { channel: 'email'; email: EmailContent }
    | { channel: 'sms'; sms: SmsContent }
    | { channel: 'push'; push: PushContent }
  );

export type SendOutcome =
  /** Accepted. `delivered`: the hand-off itself is the delivery (local SMTP and outbox). */
  | { status: 'sent'; providerId?: string; delivered?: boolean }
  /** Refused for this message (invalid address, unverified identity, message rejected): not retried. */
  | { status: 'failed'; reason: string }
  /** The provider asks to slow down: retried with backoff by the sender. */
  | { status: 'throttled'; reason: string; retryAfterMs?: number };

export interface MessageProvider {
  readonly channel: Channel;
  /** Where messages go, for logs and `orca doctor` (an SMTP URL, an outbox folder, an SES identity). */
  readonly description: string;
  /**
   * Hands one message over. Never throws for a refused message (that is an outcome); throws only
   * when the provider itself cannot be used (credentials, network), which fails the chunk's attempt.
   */
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /** The provider's own sending rate limit (SES max send rate, an origination identity's MPS), when known. */
  maxPerSecond?(): Promise<number | undefined>;
  close?(): Promise<void>;
}

/** The providers of a deployment, by channel (a channel without one cannot send). */
export type Providers = Partial<Record<Channel, MessageProvider>>;
