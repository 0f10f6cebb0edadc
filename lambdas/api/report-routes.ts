/** The channel reports' routes: a run's, and a campaign's across its runs (lambdas/orchestrator/report.ts). */
import { z } from 'zod';
import { DELIVERY_EVENTS, EXCLUSION_REASONS, OUTCOMES } from '../channels/columns.js';
import type { DocumentedRoute } from './openapi.js';
import type { CampaignService } from './service.js';
import * as S from './schemas.js';

const count = z.number().int().nonnegative();
const rate = (what: string) => z.number().min(0).nullable().describe(`${what}; null when the denominator is 0`);

/** One line of a report: its figures and rates (see report.ts for each rate's denominator). */
export const reportLine = z
  .object({
    targeted: count.describe('recipients reaching the activity (sent or excluded)'),
    excluded: z
      .object({ ...Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, count])), total: count })
      .describe('excluded before sending, by reason'),
    ...Object.fromEntries(OUTCOMES.map((o) => [o, count.describe(`messages whose outcome is ${o}`)])),
    ...Object.fromEntries(DELIVERY_EVENTS.map((e) => [e, count.describe(`messages ${e} (each message counted once)`)])),
    rates: z.object({
      deliveryRate: rate('delivered / sent'),
      bounceRate: rate('bounced / sent'),
      complaintRate: rate('complained / delivered'),
      openRate: rate('opened (unique) / delivered'),
      clickRate: rate('clicked (unique) / delivered'),
      clickToOpenRate: rate('clicked / opened'),
      unsubscribeRate: rate('unsubscribed / delivered'),
    }),
  })
  .meta({ id: 'ReportLine' });

const byActivity = z.array(z.object({ activityId: z.string() }).and(reportLine));

export const runReportView = z
  .object({ campaignId: z.string(), runId: z.string(), activities: byActivity, total: reportLine })
  .meta({ id: 'RunReport' });

export const campaignReportView = z
  .object({
    campaignId: z.string(),
    runs: z.array(z.object({ runId: z.string() }).and(reportLine)),
    activities: byActivity.describe("each activity's figures summed over the runs"),
    total: reportLine,
  })
  .meta({ id: 'CampaignReport' });

/** Routes as the router takes them (its Route, which this module cannot import: the router imports it). */
type ReportRoute = Omit<DocumentedRoute, 'errors'> & {
  method: 'GET';
  handle(service: CampaignService, c: { params: Record<string, string> }): Promise<unknown>;
};

export const REPORT_ROUTES: ReportRoute[] = [
  {
    method: 'GET',
    path: '/runs/{runId}/report',
    summary:
      "A run's channel report: per activity, targeted, excluded by reason, outcomes, delivery events (unique opens and clicks) and rates",
    status: 200,
    params: S.runParams,
    response: runReportView,
    handle: (s, c) => s.runReport(c.params.runId!),
  },
  {
    method: 'GET',
    path: '/campaigns/{id}/report',
    summary: "A campaign's channel report across its runs: per run, per activity and in total",
    status: 200,
    params: S.campaignParams,
    response: campaignReportView,
    handle: (s, c) => s.campaignReport(c.params.id!),
  },
];
