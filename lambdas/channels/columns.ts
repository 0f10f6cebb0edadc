/**
 * The contract between a channel activity's prepare query, its chunk senders and its reports: the
 * columns of the message table, its outputs, the exclusion reasons and the outcomes a message can
 * end in. One place, so that the SQL planner, the sender and the report cannot disagree.
 */

export const CHANNELS = ['email', 'sms', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Columns the prepare query adds to each row (after the inbound population's own columns). */
export const MESSAGE_COLUMNS = {
  /** Deterministic: a hash of (run, activity, key); the same recipient gets the same id on a retry. */
  messageId: 'orca_message_id',
  /** The address as it will be used (trimmed; an e-mail lower-cased, a phone number in E.164). */
  address: 'orca_address',
  /** 0 .. chunks-1: which chunk sender sends it. */
  chunk: 'orca_chunk',
  /** Excluded rows only: why (one of EXCLUSION_REASONS). */
  reason: 'orca_reason',
} as const;

/** The prepare query's outputs (orca_output values): what will be sent, and what will not. */
export const PREPARE_OUTPUTS = { messages: 'messages', excluded: 'excluded' } as const;

/** Why a row is not sent, decided before anything is sent (in this order of precedence). */
export const EXCLUSION_REASONS = [
  'noAddress',
  'invalidAddress',
  'unsubscribed',
  'suppressed',
  'duplicate',
  'frequencyCap',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/**
 * How each message to send ends, exactly one per message:
 * - sent: the provider accepted it; failed: the provider refused it (invalid address, unverified identity...);
 * - throttled: still throttled after the retries with backoff;
 * - renderError: its template could not be rendered with its row (excluded, the chunk goes on);
 * - windowClosed: the sending window (throttle.windowMinutes) ended before its turn;
 * - unknown: a crash happened between its reservation and the provider's answer (never re-sent blindly).
 */
export const OUTCOMES = ['sent', 'failed', 'throttled', 'renderError', 'windowClosed', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Delivery events recorded after the send (provider events, or orca's own pixel and redirects locally). */
export const DELIVERY_EVENTS = ['delivered', 'bounced', 'complained', 'opened', 'clicked', 'unsubscribed'] as const;
export type DeliveryEvent = (typeof DELIVERY_EVENTS)[number];
