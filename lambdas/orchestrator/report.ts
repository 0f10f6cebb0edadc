/**
 * The report of a channel activity, a run and a campaign across its runs, from the counters of
 * the ReportStore: targeted, excluded by reason, the outcomes of the send (sent, failed, ...) and
 * the delivery events (delivered, bounced, complained, opened and clicked — unique: a message counts
 * once however often it is opened —, unsubscribed), with rates.
 *
 * Rates (a fraction 0..1, rounded to 4 decimals; null when the denominator is 0):
 * - deliveryRate    = delivered / sent        the messages the provider accepted that reached the recipient's server or phone
 * - bounceRate      = bounced / sent          hard bounces (email), final failures (SMS)
 * - complaintRate   = complained / delivered  marked as spam by the recipient
 * - openRate        = opened / delivered      unique opens (email: the pixel, or SES's open tracking)
 * - clickRate       = clicked / delivered     unique clicks
 * - clickToOpenRate = clicked / opened        of those who opened, who clicked
 * - unsubscribeRate = unsubscribed / delivered
 * Opens need images shown by the mail client (and privacy proxies open everything): openRate is a
 * floor and a trend, not an exact count of readers. Locally the SMTP or outbox hand-off counts as
 * delivered; on AWS, SES's Delivery event (SMS: TEXT_DELIVERED / TEXT_SUCCESSFUL); push has no
 * delivery event (SNS gives none per message).
 */
import {
  DELIVERY_EVENTS,
  EXCLUSION_REASONS,
  type DeliveryEvent,
  type ExclusionReason,
  OUTCOMES,
  type Outcome,
} from '../channels/columns.js';
import type { ReportCounters, ReportStore } from '../ports/ledger.js';

export type ReportFigures = {
  targeted: number;
  excluded: Record<ExclusionReason, number> & { total: number };
} & Record<Outcome | DeliveryEvent, number>;

export interface ReportRates {
  deliveryRate: number | null;
  bounceRate: number | null;
  complaintRate: number | null;
  openRate: number | null;
  clickRate: number | null;
  clickToOpenRate: number | null;
  unsubscribeRate: number | null;
}

export type ReportLine = ReportFigures & { rates: ReportRates };

export interface RunReport {
  campaignId: string;
  runId: string;
  activities: Array<{ activityId: string } & ReportLine>;
  total: ReportLine;
}

export interface CampaignReport {
  campaignId: string;
  /** Each run's totals, in run id order (run ids sort by start time). */
  runs: Array<{ runId: string } & ReportLine>;
  /** Each activity's figures summed over the runs. */
  activities: Array<{ activityId: string } & ReportLine>;
  total: ReportLine;
}

/** The counters of a deployment that sends nothing (no report store): none. */
export const NO_COUNTERS: ReportStore = {
  setCounters: async () => {},
  recordEvent: async () => false,
  counters: async () => [],
};

function empty(): ReportFigures {
  const excluded = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>;
  return {
    targeted: 0,
    excluded: { ...excluded, total: 0 },
    ...(Object.fromEntries([...OUTCOMES, ...DELIVERY_EVENTS].map((k) => [k, 0])) as Record<
      Outcome | DeliveryEvent,
      number
    >),
  };
}

/** Adds stored counters (or another line's figures) to `into`. */
function add(into: ReportFigures, c: ReportCounters | ReportFigures): ReportFigures {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  into.targeted += n(c.targeted);
  for (const r of EXCLUSION_REASONS) {
    const v = 'excluded' in c ? n((c as ReportFigures).excluded[r]) : n((c as ReportCounters)[`excluded.${r}`]);
    into.excluded[r] += v;
    into.excluded.total += v;
  }
  for (const k of [...OUTCOMES, ...DELIVERY_EVENTS]) into[k] += n((c as Record<string, unknown>)[k]);
  return into;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

export function ratesOf(f: ReportFigures): ReportRates {
  return {
    deliveryRate: ratio(f.delivered, f.sent),
    bounceRate: ratio(f.bounced, f.sent),
    complaintRate: ratio(f.complained, f.delivered),
    openRate: ratio(f.opened, f.delivered),
    clickRate: ratio(f.clicked, f.delivered),
    clickToOpenRate: ratio(f.clicked, f.opened),
    unsubscribeRate: ratio(f.unsubscribed, f.delivered),
  };
}

const line = (f: ReportFigures): ReportLine => ({ ...f, rates: ratesOf(f) });

/** Sums rows by a key, in key order. */
function groupBy<K extends 'runId' | 'activityId'>(
  rows: Array<{ runId: string; activityId: string } & ReportCounters>,
  key: K,
): Array<{ [P in K]: string } & ReportLine> {
  const groups = new Map<string, ReportFigures>();
  for (const r of rows) groups.set(r[key], add(groups.get(r[key]) ?? empty(), r));
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, f]) => ({ [key]: id, ...line(f) }) as { [P in K]: string } & ReportLine);
}

const totalOf = (rows: ReportCounters[]) => line(rows.reduce<ReportFigures>((t, r) => add(t, r), empty()));

export async function runReport(reports: ReportStore, campaignId: string, runId: string): Promise<RunReport> {
  const rows = await reports.counters(campaignId, runId);
  return { campaignId, runId, activities: groupBy(rows, 'activityId'), total: totalOf(rows) };
}

export async function campaignReport(reports: ReportStore, campaignId: string): Promise<CampaignReport> {
  const rows = await reports.counters(campaignId);
  return {
    campaignId,
    runs: groupBy(rows, 'runId'),
    activities: groupBy(rows, 'activityId'),
    total: totalOf(rows),
  };
}
