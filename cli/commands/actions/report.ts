/** `orca report RUN|CAMPAIGN`: the channel report of a run, or of a campaign across its runs. */
import { loadCatalogFor } from '../../load.js';
import { CliError, color, jsonText, table } from '../../output.js';
import { dataPath } from '../../paths.js';
import { openRuntime } from '../../runs.js';
import { checkRunId } from '../../options.js';
import { viaApiOrLocal } from './status.js';
import { DynamoDbReportStore } from '../../../lambdas/adapters/dynamodb-report.js';
import { TABLE } from '../../../runtime/dynalite.js';
import {
  campaignReport,
  runReport,
  type CampaignReport,
  type ReportLine,
  type RunReport,
} from '../../../lambdas/orchestrator/report.js';
import type { ReportCommandOptions } from '../options.js';

type Found = { run: RunReport } | { campaign: CampaignReport } | undefined;

const percent = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)} %`);
const n = (v: number) => v.toLocaleString('en-US');

const HEADERS = [
  'targeted',
  'excluded',
  'sent',
  'failed',
  'delivered',
  'bounced',
  'complained',
  'opened',
  'clicked',
  'unsub.',
  'delivery',
  'open',
  'click',
];

function cells(l: ReportLine): string[] {
  return [
    n(l.targeted),
    n(l.excluded.total),
    n(l.sent),
    n(l.failed + l.throttled + l.renderError + l.windowClosed + l.unknown),
    n(l.delivered),
    n(l.bounced),
    n(l.complained),
    n(l.opened),
    n(l.clicked),
    n(l.unsubscribed),
    percent(l.rates.deliveryRate),
    percent(l.rates.openRate),
    percent(l.rates.clickRate),
  ];
}

/** What was excluded, by reason, and the outcomes other than sent (when there are any). */
function details(l: ReportLine): string {
  const parts = [
    ...Object.entries(l.excluded)
      .filter(([k, v]) => k !== 'total' && v > 0)
      .map(([k, v]) => `excluded ${k} ${n(v)}`),
    ...(['failed', 'throttled', 'renderError', 'windowClosed', 'unknown'] as const)
      .filter((k) => l[k] > 0)
      .map((k) => `${k} ${n(l[k])}`),
  ];
  return parts.join(', ');
}

function print(found: NonNullable<Found>): void {
  const rows: string[][] = [];
  const notes: string[] = [];
  const push = (label: string, l: ReportLine) => {
    rows.push([label, ...cells(l)]);
    const d = details(l);
    if (d) notes.push(`${label}: ${d}`);
  };
  if ('run' in found) {
    console.log(`run ${found.run.runId} (campaign ${found.run.campaignId})`);
    for (const a of found.run.activities) push(a.activityId, a);
    if (found.run.activities.length > 1) push('total', found.run.total);
    if (!found.run.activities.length) return void console.log('no channel activity sent in this run');
    console.log(table(['activity', ...HEADERS], rows));
  } else {
    const c = found.campaign;
    console.log(`campaign ${c.campaignId}: ${c.runs.length} run(s) with channel activities`);
    if (!c.runs.length) return;
    for (const r of c.runs) push(r.runId, r);
    for (const a of c.activities) push(`activity ${a.activityId}`, a);
    push('total', c.total);
    console.log(table(['run / activity', ...HEADERS], rows));
  }
  for (const note of notes) console.log(color.dim(note));
  console.log(
    color.dim(
      'opened and clicked count each message once; delivery = delivered / sent, open and click = opened or clicked / delivered',
    ),
  );
}

export async function report(id: string, opts: ReportCommandOptions): Promise<void> {
  checkRunId(id);
  const found = await viaApiOrLocal<Found>(
    opts,
    async (api) => {
      const run = await api.call<RunReport>('GET', `/runs/${encodeURIComponent(id)}/report`);
      if (run.status === 200) return { run: run.body };
      const campaign = await api.call<CampaignReport>('GET', `/campaigns/${encodeURIComponent(id)}/report`);
      if (campaign.status === 200) return { campaign: campaign.body };
      if (run.status !== 404 && run.status !== 400)
        throw new CliError(`the API answered HTTP ${run.status} for the report of ${id}`, 1);
      return undefined;
    },
    async () => {
      const { runtime, close } = await openRuntime(dataPath(opts.data), loadCatalogFor(), 'orca report');
      try {
        const reports = new DynamoDbReportStore(runtime.dynamo.client, TABLE);
        const run = await runtime.store.getRun(id);
        if (run) return { run: await runReport(reports, run.campaignId, id) };
        if (await runtime.store.getCampaign(id)) return { campaign: await campaignReport(reports, id) };
        return undefined;
      } finally {
        await close();
      }
    },
  );
  if (!found)
    throw new CliError(
      `no run or campaign '${id}'; \`orca status\` lists the recent runs, \`orca campaigns\` the campaigns`,
      2,
    );
  if (opts.json) console.log(jsonText('run' in found ? found.run : found.campaign));
  else print(found);
}
