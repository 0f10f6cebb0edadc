/**
 * What the channel activities of one run cost: the messages (SES, End User Messaging SMS, SNS
 * push), the send function's Lambda time and the ledger's DynamoDB writes.
 *
 * Messages per channel activity: its inbound rows, estimated as every profile of the dimension (an
 * upper bound: exclusions and the audience's filters only lower it).
 *
 * Prices (USD, us-east-1 list prices, November 2026):
 * - email: $0.10 per 1,000 messages ("Amazon SES pricing": outbound email);
 * - SMS: a price per message part that depends on the country and the origination identity, so
 *   it is a setting (`--sms-price`); without it the SMS line shows "set --sms-price";
 * - push: $0.50 per million mobile push notifications ("Amazon SNS pricing").
 */
import type { Channel } from '../lambdas/channels/columns.js';

export const SEND_PRICES = {
  emailPerMessage: 0.1 / 1000,
  pushPerMessage: 0.5 / 1_000_000,
};

/** The send function's memory (cdk/constructs/channels.ts), in GB. */
const SEND_MEMORY_GB = 1;
/** Lambda time per message when nothing throttles: rendering plus a share of the provider calls in flight. */
const SECONDS_PER_MESSAGE = 0.01;
/**
 * The ledger's DynamoDB writes per message: one reservation and one settlement item per batch of
 * 25 messages (2 / 25), and one item per message (its id, for the events and a retry): 1 + 2/25
 * = 1.08 writes per message.
 */
export const LEDGER_WRITES_PER_MESSAGE = 1 + 2 / 25;

export interface ChannelActivityCost {
  id: string;
  channel: Channel;
  /** throttle.perSecond, when set. */
  perSecond?: number | undefined;
}

export interface SendLine {
  item: string;
  quantity: string;
  usd: number;
  /** Set when the line has no price (the SMS price is a setting). */
  note?: string;
}

/** Chunks of a send (the design's sizing): K = max(5,000, ceil(rows / 2,000)) rows per chunk. */
export function chunksOf(rows: number): number {
  const k = Math.max(5000, Math.ceil(rows / 2000));
  return Math.ceil(rows / k);
}

/** Concurrent chunk senders at a rate: clamp(floor(perSecond x 600 / 5,000), 1, 40). */
export function sendersAt(perSecond: number): number {
  return Math.min(40, Math.max(1, Math.floor((perSecond * 600) / 5000)));
}

export function estimateSends(
  activities: ChannelActivityCost[],
  messages: number,
  o: { smsPrice?: number | undefined; lambdaGbSecond: number; lambdaRequest: number; dynamoWrite: number },
): SendLine[] {
  if (activities.length === 0 || messages <= 0) return [];
  const count = (c: Channel) => activities.filter((a) => a.channel === c).length * messages;
  const fmt = (x: number) => x.toLocaleString('en-US');
  const lines: SendLine[] = [];
  const email = count('email');
  if (email)
    lines.push({
      item: 'Email (SES, $0.10 per 1,000)',
      quantity: `${fmt(email)} messages`,
      usd: email * SEND_PRICES.emailPerMessage,
    });
  const sms = count('sms');
  if (sms)
    lines.push(
      o.smsPrice === undefined
        ? { item: 'SMS (End User Messaging)', quantity: `${fmt(sms)} messages`, usd: 0, note: 'set --sms-price' }
        : {
            item: `SMS (End User Messaging, $${o.smsPrice} per message)`,
            quantity: `${fmt(sms)} messages`,
            usd: sms * o.smsPrice,
          },
    );
  const push = count('push');
  if (push)
    lines.push({
      item: 'Push (SNS, $0.50 per million)',
      quantity: `${fmt(push)} messages`,
      usd: push * SEND_PRICES.pushPerMessage,
    });
  // Lambda: a throttled send keeps its senders alive for the whole send (messages / rate seconds,
  // each of the concurrent chunk senders); otherwise the work per message.
  const gbSeconds = activities.reduce(
    (sum, a) =>
      sum +
      SEND_MEMORY_GB *
        (a.perSecond ? sendersAt(a.perSecond) * (messages / a.perSecond) : messages * SECONDS_PER_MESSAGE),
    0,
  );
  // A chunk that reaches its time budget goes on in a retry: at least one invocation per chunk.
  const invocations = activities.length * chunksOf(messages);
  lines.push({
    item: 'Send function (Lambda, 1 GB)',
    quantity: `${fmt(invocations)} chunks, ${fmt(Math.round(gbSeconds))} GB-s`,
    usd: invocations * o.lambdaRequest + gbSeconds * o.lambdaGbSecond,
  });
  const writes = Math.ceil(activities.length * messages * LEDGER_WRITES_PER_MESSAGE);
  lines.push({
    item: 'Message ledger (DynamoDB writes, 1 + 2/25 per message)',
    quantity: fmt(writes),
    usd: writes * o.dynamoWrite,
  });
  return lines;
}
