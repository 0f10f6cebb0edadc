/**
 * Channel providers: what hands one rendered message to a sending service. Cloud: SES v2 (email),
 * End User Messaging SMS (pinpoint-sms-voice-v2), SNS (push). Local: SMTP with nodemailer, or the
 * outbox folder under the data folder. The chunk sender is the same code for all of them.
 */
import type { Channel } from '../channels/columns.js';
import type { OutgoingMessage } from '../channels/message.js';

export type { Channel };

// The rendered message is defined in the core (the templates produce it); re-exported here for the providers.
export type {
  EmailContent,
  MessageContext,
  OutgoingMessage,
  PushContent,
  SmsContent,
} from '../channels/message.js';

export type SendOutcome =
  /** Accepted. `delivered`: the hand-off itself is the delivery (local SMTP and outbox). */
  | { status: 'sent'; providerId?: string; delivered?: boolean }
  /** Refused for this message (invalid address, unverified identity, message rejected): not retried. */
  | { status: 'failed'; reason: string }
  /** The provider asks to slow down: retried with backoff by the sender. */
  | { status: 'throttled'; reason: string; retryAfterMs?: number };

export interface MessageProvider {
  readonly channel: Channel;
  /**
   * The hand-off itself is the delivery (local SMTP, the outbox): the record step counts every sent
   * message as delivered (no delivery events come later). Added for the local path.
   */
  readonly handOffIsDelivery?: boolean;
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
