/**
 * Delivery events from the providers, recorded per message (its first time of each event) and as
 * the counters of its campaign, run and activity (ReportStore.recordEvent); a hard bounce and a
 * complaint also write an opt-out record, so the next sends exclude the address as suppressed.
 *
 * What arrives (the events function's triggers, set up by the CDK construct):
 * - SES (email): the configuration set's EventBridge destination. The EventBridge event's `detail`
 *   is SES's event publishing record: `eventType` (Send, Delivery, Bounce, Complaint, Open, Click,
 *   Reject, Rendering Failure, DeliveryDelay, Subscription), `mail` (with `tags`: name -> [values],
 *   the message tags SendEmail set), and an object per type (`bounce.bounceType`, `bouncedRecipients`,
 *   `complaint.complainedRecipients`, `open`/`click`/`delivery.timestamp`). "Amazon SES Developer
 *   Guide — Contents of event data that Amazon SES publishes to Amazon SNS" (the same record, with
 *   "Monitoring email sending using Amazon SES event publishing" for the EventBridge destination).
 * - End User Messaging SMS: a configuration set's event destination can be CloudWatch Logs,
 *   Firehose or SNS, not EventBridge ("AWS End User Messaging SMS API Reference — CreateEventDestination"),
 *   so SMS events arrive through an SNS topic (a Lambda SNS event: `Records[].Sns.Message` is the
 *   event's JSON): `eventType` (TEXT_DELIVERED, TEXT_SUCCESSFUL, TEXT_BLOCKED, TEXT_INVALID,
 *   TEXT_CARRIER_UNREACHABLE...: "AWS End User Messaging SMS User Guide — Event types for SMS, MMS,
 *   and voice"), `eventTimestamp` (epoch ms), `destinationPhoneNumber`, `isFinal`, and `context`,
 *   the Context map SendTextMessage was given ("Messaging events": the SMS example log).
 * - Push (SNS mobile push): SNS gives no per-message delivery event that names orca's message:
 *   delivery status logging writes to CloudWatch Logs whether the push service (APNs, FCM) accepted
 *   a message ("Amazon SNS Developer Guide — Amazon SNS mobile app attributes"), and the platform
 *   application's EventDeliveryFailure names an endpoint, not a message ("Amazon SNS application
 *   event notifications for mobile applications"). A push counts as sent; nothing more is recorded.
 *
 * The orca tags (SES message tags; the SMS Context) name the message: ORCA_TAGS below. A malformed
 * or foreign event is logged and ignored, never thrown; a failure of the store is thrown (the
 * trigger retries, and the conditional writes make the retry count nothing twice).
 */
import type { Channel, DeliveryEvent } from '../channels/columns.js';
import type { ReportStore } from '../ports/ledger.js';
import { type ObjectWriter, type OptOutReason, writeOptOut } from './optouts.js';

/** The tag names (SES message tags, SMS Context keys) the providers set on each message. */
export const ORCA_TAGS = {
  message: 'orca_message',
  campaign: 'orca_campaign',
  run: 'orca_run',
  activity: 'orca_activity',
} as const;

export interface EventDeps {
  reports: ReportStore;
  objects: ObjectWriter;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  now?: () => number;
}

/** One delivery event of one message, as recorded. */
export interface ProviderEvent {
  channel: Channel;
  messageId: string;
  event: DeliveryEvent;
  at: string;
  campaignId?: string | undefined;
  runId?: string | undefined;
  /** Write an opt-out for these addresses (a hard bounce, a complaint, an invalid or blocked number). */
  optOut?: { reason: OptOutReason; addresses: string[] } | undefined;
}

export interface EventsResult {
  /** Events recorded (the message's first of that kind). */
  recorded: number;
  /** Events not counted: the message had it already (a provider duplicate, a second open), or it is unknown. */
  duplicates: number;
  /** Events of no interest (Send, DeliveryDelay, a transient bounce...), malformed or foreign ones. */
  ignored: number;
  optOuts: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** An ISO time from an ISO string or epoch milliseconds; `fallback` when neither. */
function isoTime(v: unknown, fallback: number): string {
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return new Date(Number.isFinite(t) ? t : fallback).toISOString();
}

/** What an SES event type records; undefined: nothing (Send is the sender's; Reject and the rest change no counter). */
const SES_EVENTS: Record<string, DeliveryEvent> = {
  Delivery: 'delivered',
  Bounce: 'bounced',
  Complaint: 'complained',
  Open: 'opened',
  Click: 'clicked',
};

/** The value of an SES tag (`mail.tags`: name -> [values]). */
function sesTag(mail: Obj, name: string): string | undefined {
  const tags = mail.tags;
  if (!isObj(tags)) return undefined;
  const v = tags[name];
  return Array.isArray(v) ? str(v[0]) : str(v);
}

const emails = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.flatMap((r) => (isObj(r) && str(r.emailAddress) ? [String(r.emailAddress).trim().toLowerCase()] : []))
    : [];

/** An SES event publishing record as a ProviderEvent; a string says why it is ignored. */
export function sesEvent(record: unknown, now: number): ProviderEvent | string {
  if (!isObj(record)) return 'not an object';
  const type = str(record.eventType) ?? str(record.notificationType);
  if (!type) return 'no eventType';
  const mail = record.mail;
  if (!isObj(mail)) return `${type}: no mail object`;
  const messageId = sesTag(mail, ORCA_TAGS.message);
  if (!messageId) return `${type}: no ${ORCA_TAGS.message} tag (not a message orca sent)`;
  const event = SES_EVENTS[type];
  if (!event) return `${type}: not a delivery event orca records`;
  const detail = record[type.charAt(0).toLowerCase() + type.slice(1)];
  const d = isObj(detail) ? detail : {};
  if (type === 'Bounce' && d.bounceType !== 'Permanent')
    return `Bounce: ${String(d.bounceType ?? 'no bounceType')}, not a hard bounce (SES retries or it may be delivered later)`;
  const at = isoTime(d.timestamp ?? mail.timestamp, now);
  const base = {
    channel: 'email' as const,
    messageId,
    event,
    at,
    campaignId: sesTag(mail, ORCA_TAGS.campaign),
    runId: sesTag(mail, ORCA_TAGS.run),
  };
  if (type === 'Bounce') return { ...base, optOut: { reason: 'bounced', addresses: emails(d.bouncedRecipients) } };
  if (type === 'Complaint')
    return { ...base, optOut: { reason: 'complained', addresses: emails(d.complainedRecipients) } };
  return base;
}

/**
 * End User Messaging SMS event types: delivered ones, and final failures (counted as bounced).
 * TEXT_INVALID (the number is not valid) and TEXT_BLOCKED (the recipient's device or carrier blocks
 * messages to it) also suppress the number; the others fail for the message or for a while.
 */
const SMS_DELIVERED = new Set(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL']);
const SMS_FAILED = new Set([
  'TEXT_INVALID',
  'TEXT_BLOCKED',
  'TEXT_CARRIER_BLOCKED',
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_UNREACHABLE',
  'TEXT_INVALID_MESSAGE',
  'TEXT_SPAM',
  'TEXT_TTL_EXPIRED',
  'TEXT_UNKNOWN',
]);
const SMS_SUPPRESS = new Set(['TEXT_INVALID', 'TEXT_BLOCKED']);
/** The event types orca records: the SMS configuration set's event destination matches these only. */
export const SMS_EVENT_TYPES: readonly string[] = [...SMS_DELIVERED, ...SMS_FAILED];

/** An End User Messaging SMS event as a ProviderEvent; a string says why it is ignored. */
export function smsEvent(record: unknown, now: number): ProviderEvent | string {
  if (!isObj(record)) return 'not an object';
  const type = str(record.eventType);
  if (!type?.startsWith('TEXT_')) return `${type ?? 'no eventType'}: not an SMS event`;
  const context = isObj(record.context) ? record.context : {};
  const messageId = str(context[ORCA_TAGS.message]);
  if (!messageId) return `${type}: no ${ORCA_TAGS.message} in its context (not a message orca sent)`;
  const delivered = SMS_DELIVERED.has(type);
  if (!delivered && !(SMS_FAILED.has(type) && record.isFinal !== false)) return `${type}: not a final delivery event`;
  const address = str(record.destinationPhoneNumber);
  return {
    channel: 'sms',
    messageId,
    event: delivered ? 'delivered' : 'bounced',
    at: isoTime(record.eventTimestamp, now),
    campaignId: str(context[ORCA_TAGS.campaign]),
    runId: str(context[ORCA_TAGS.run]),
    ...(SMS_SUPPRESS.has(type) && address ? { optOut: { reason: 'bounced' as const, addresses: [address] } } : {}),
  };
}

/** The provider records an invocation carries: EventBridge (SES) or SNS (SMS; SES too, if so routed). */
export function providerEvents(input: unknown, now: number): Array<ProviderEvent | string> {
  if (!isObj(input)) return ['the event is not an object'];
  if (Array.isArray(input.Records))
    return input.Records.map((r) => {
      const message = isObj(r) && isObj(r.Sns) ? r.Sns.Message : undefined;
      if (typeof message !== 'string') return 'an SNS record without a message';
      let body: unknown;
      try {
        body = JSON.parse(message);
      } catch {
        return 'an SNS message that is not JSON';
      }
      return isObj(body) && str(body.eventType)?.startsWith('TEXT_') ? smsEvent(body, now) : sesEvent(body, now);
    });
  if (input.source === 'aws.ses' && 'detail' in input) return [sesEvent(input.detail, now)];
  return [`an event from ${JSON.stringify(String(input.source ?? 'an unknown source')).slice(0, 80)}, not SES or SMS`];
}

/** Records what the event carries; malformed and foreign events are logged and counted as ignored. */
export async function recordProviderEvents(input: unknown, deps: EventDeps): Promise<EventsResult> {
  const now = (deps.now ?? Date.now)();
  const result: EventsResult = { recorded: 0, duplicates: 0, ignored: 0, optOuts: 0 };
  for (const e of providerEvents(input, now)) {
    if (typeof e === 'string') {
      result.ignored++;
      deps.log?.(`event ignored: ${e}`);
      continue;
    }
    // The opt-out first: a retry after a failure in between writes the same file again.
    for (const address of e.optOut?.addresses ?? []) {
      await writeOptOut(deps.objects, {
        address,
        channel: e.channel,
        reason: e.optOut!.reason,
        at: e.at,
        campaignId: e.campaignId,
        runId: e.runId,
        messageId: e.messageId,
      });
      result.optOuts++;
    }
    if (await deps.reports.recordEvent(e.messageId, e.event, e.at)) result.recorded++;
    else result.duplicates++;
  }
  return result;
}
