/**
 * A rendered message, as the templates produce it and the providers hand it over. In the core (the
 * templates render it); lambdas/ports/channel.ts re-exports these types for the providers.
 */
import type { Channel } from './columns.js';

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
  /** Message parts the text takes (GSM-7: 160, or 153 per part; UCS-2: 70, or 67): SMS throughput counts parts. */
  parts?: number;
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

export type { Channel };
