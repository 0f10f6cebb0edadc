/** What the commands over the HTTP API do: campaigns, publish, start, pause, resume, stop, preview. */
import type { ProofSample } from '../../../lambdas/orchestrator/proof.js';
import { extname } from 'node:path';
import { readFileSync } from 'node:fs';
import { ApiClient, endpointOf } from '../../api-client.js';
import { CliError, color, formatTime, jsonText, printFindings, styled, table, terminalText } from '../../output.js';
import { readCampaign } from '../../documents.js';
import { statusIcon } from '../../progress.js';
import { statusLabel } from '../../../statemachines/lifecycle.js';
import { checkCampaignId, checkRunId, parseVariables } from '../../options.js';
import { hasEnded } from '../../../statemachines/lifecycle.js';
import type {
  CampaignsCommandOptions,
  PreviewCommandOptions,
  PublishCommandOptions,
  RunCommand,
  StartCommandOptions,
} from '../options.js';

export function client(option?: string): ApiClient {
  return new ApiClient(endpointOf(option).url);
}

interface CampaignView {
  id: string;
  label: string;
  status: string;
  version: number;
  changed: boolean;
  source: 'api' | 'code';
  trigger: string;
  runInProgress: boolean;
  lastRun?: { runId: string; status: string; startedAt: string };
  nextRun?: string;
  timezone?: string;
}

export async function campaigns(opts: CampaignsCommandOptions): Promise<void> {
  const q = new URLSearchParams({
    ...(opts.status ? { status: opts.status } : {}),
    ...(opts.search ? { q: opts.search } : {}),
  });
  const list = await client(opts.endpoint).ok<CampaignView[]>('GET', `/campaigns${q.size ? `?${q}` : ''}`);
  if (opts.json) return void console.log(jsonText(list));
  if (!list.length) return void console.log('no campaigns; publish one with `npx orca publish FILE`');
  console.log(
    table(
      ['campaign', 'status', 'version', 'trigger', 'last run', 'next run'],
      list.map((c) => [
        styled(`${terminalText(c.id, true)}${c.changed && c.version ? color.yellow(' *') : ''}`),
        c.runInProgress ? `${c.status} (running)` : c.status,
        styled(`${c.version || '-'}${c.source === 'code' ? color.dim(' (code)') : ''}`),
        c.trigger,
        c.lastRun ? styled(`${statusIcon(c.lastRun.status)} ${terminalText(c.lastRun.runId, true)}`) : '',
        c.nextRun ? formatTime(c.nextRun, c.timezone) : '',
      ]),
    ),
  );
}

export async function publish(file: string, opts: PublishCommandOptions): Promise<void> {
  const doc = readCampaign(file) as { id?: unknown };
  if (typeof doc?.id !== 'string') throw new CliError(`${file} has no campaign id`, 1);
  const api = client(opts.endpoint);
  const yaml = /\.ya?ml$/i.test(extname(file));
  const text = readFileSync(file, 'utf8');
  const type = yaml ? 'application/yaml' : 'application/json';
  const exists = (await api.call('GET', `/campaigns/${doc.id}`)).status === 200;
  await api.ok(exists ? 'PUT' : 'POST', exists ? `/campaigns/${doc.id}` : '/campaigns', text, type);
  const r = await api.call<{
    status: string;
    version: number;
    warnings?: unknown[];
    details?: { errors: never[]; warnings: never[] };
    message?: string;
    startedRun?: string;
  }>('POST', `/campaigns/${doc.id}/publish`);
  if (opts.json) console.log(jsonText(r.body));
  else if (r.status === 422 && r.body.details) printFindings(file, r.body.details.errors, r.body.details.warnings);
  else if (r.status >= 400) throw new CliError(r.body.message ?? `HTTP ${r.status}`, 1);
  else
    console.log(
      `${color.green('✓')} ${terminalText(doc.id, true)} published: version ${r.body.version}, ${r.body.status}${r.body.startedRun ? `; run ${r.body.startedRun} started` : ''}`,
    );
  process.exitCode = r.status < 400 ? 0 : 1;
}

export async function start(campaign: string, opts: StartCommandOptions): Promise<void> {
  checkCampaignId(campaign);
  const api = client(opts.endpoint);
  // --var values typed by the campaign's declarations (a string variable may look like a number).
  const declared = opts.var?.length
    ? ((
        await api.ok<{ definition: { variables?: Record<string, { type: string }> } }>(
          'GET',
          `/campaigns/${encodeURIComponent(campaign)}`,
        )
      ).definition.variables ?? {})
    : {};
  const r = await api.ok<{ runId: string }>('POST', `/campaigns/${campaign}/runs`, {
    variables: parseVariables(opts.var ?? [], declared),
    ...(opts.test ? { testMode: true } : {}),
  });
  if (!opts.wait) return void console.log(opts.json ? jsonText(r, undefined) : terminalText(r.runId, true));
  for (;;) {
    const run = await api.ok<{ status: string; error?: string }>('GET', `/runs/${r.runId}`);
    if (hasEnded(run.status)) {
      console.log(
        opts.json
          ? jsonText(run)
          : `${statusIcon(run.status)} ${terminalText(r.runId, true)}: ${run.status}${run.error ? `: ${terminalText(run.error, true)}` : ''}`,
      );
      process.exitCode = run.status === 'completed' ? 0 : 1;
      return;
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** pause, resume, stop or restart a run. */
export function control(command: RunCommand): (runId: string, opts: { endpoint?: string }) => Promise<void> {
  return async (runId, opts) => {
    checkRunId(runId);
    const r = await client(opts.endpoint).ok<{ status?: string; runId: string }>('POST', `/runs/${runId}/${command}`);
    console.log(
      terminalText(command === 'restart' ? `restarted: new run ${r.runId}` : `${runId}: ${r.status}`, true).replace(
        /^/,
        command === 'restart' ? '' : `${statusIcon(r.status ?? '')} `,
      ),
    );
  };
}

export async function confirm(runId: string, activityId: string, opts: { endpoint?: string }): Promise<void> {
  checkRunId(runId);
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(activityId))
    throw new CliError(`'${activityId.slice(0, 40)}' is not an activity id; \`orca status ${runId}\` lists them`, 2);
  const r = await client(opts.endpoint).ok<{ status?: string }>(
    'POST',
    `/runs/${runId}/activities/${activityId}/confirm`,
  );
  console.log(terminalText(`${statusIcon(r.status ?? '')} ${runId}: ${activityId} confirmed, sending`, true));
}

export async function proof(
  runId: string,
  activityId: string,
  opts: { endpoint?: string; to?: string[]; count?: number; json?: boolean },
): Promise<void> {
  checkRunId(runId);
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(activityId))
    throw new CliError(`'${activityId.slice(0, 40)}' is not an activity id; \`orca status ${runId}\` lists them`, 2);
  const samples = await client(opts.endpoint).ok<ProofSample[]>(
    'POST',
    `/runs/${runId}/activities/${activityId}/proof`,
    { ...(opts.count ? { count: opts.count } : {}), ...(opts.to?.length ? { to: opts.to } : {}) },
  );
  if (opts.json) return void console.log(jsonText(samples));
  samples.forEach((s, i) => {
    const lines = [`— sample ${i + 1}: to ${s.to}`];
    if (s.error) lines.push(`  cannot be rendered: ${s.error}`);
    for (const k of ['subject', 'title', 'body', 'text', 'html'] as const)
      if (s[k] !== undefined) lines.push(`  ${k}: ${s[k]!.replace(/\n/g, '\n  ')}`);
    console.log(terminalText(lines.join('\n'), true));
  });
  if (opts.to?.length)
    console.log(terminalText(`sent ${samples.length} proof(s) to ${opts.to.join(', ')} (the run log says so)`, true));
}

export async function preview(runId: string, transition: string, opts: PreviewCommandOptions): Promise<void> {
  checkRunId(runId);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(transition))
    throw new CliError(`'${transition.slice(0, 40)}' is not a transition id; \`orca status ${runId}\` lists them`, 2);
  const r = await client(opts.endpoint).ok<{
    total: number;
    columns: Array<{ name: string }>;
    rows: Array<Record<string, unknown>>;
  }>('GET', `/runs/${runId}/transitions/${transition}/rows?limit=${opts.limit}&offset=${opts.offset}`);
  if (opts.json) return void console.log(jsonText(r));
  const cols = r.columns.map((c) => c.name);
  console.log(
    table(
      cols,
      r.rows.map((row) => cols.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c])))),
    ),
  );
  console.log(
    color.dim(`\nrows ${opts.offset + 1}-${opts.offset + r.rows.length} of ${r.total.toLocaleString('en-US')}`),
  );
}

interface CampaignArgs {
  endpoint?: string;
  json?: boolean;
}

export async function duplicate(campaign: string, opts: CampaignArgs & { as?: string }): Promise<void> {
  checkCampaignId(campaign);
  if (opts.as) checkCampaignId(opts.as);
  const r = await client(opts.endpoint).ok<CampaignView & { validation?: { valid: boolean } }>(
    'POST',
    `/campaigns/${campaign}/duplicate`,
    opts.as ? { id: opts.as } : undefined,
  );
  console.log(
    opts.json
      ? jsonText(r)
      : `${color.green('✓')} ${terminalText(campaign, true)} copied as ${terminalText(r.id, true)} (a draft)`,
  );
}

export async function remove(campaign: string, opts: CampaignArgs): Promise<void> {
  checkCampaignId(campaign);
  await client(opts.endpoint).ok('DELETE', `/campaigns/${campaign}`);
  console.log(opts.json ? jsonText({ id: campaign, deleted: true }) : `${color.green('✓')} ${campaign} deleted`);
}

export async function archive(campaign: string, opts: CampaignArgs): Promise<void> {
  checkCampaignId(campaign);
  const r = await client(opts.endpoint).ok<CampaignView>('POST', `/campaigns/${campaign}/archive`);
  console.log(opts.json ? jsonText(r) : `${color.green('✓')} ${campaign} archived: no more scheduled runs`);
}

export async function schedule(campaign: string, opts: CampaignArgs): Promise<void> {
  checkCampaignId(campaign);
  const r = await client(opts.endpoint).ok<{
    expression: string | null;
    lastDayExpression?: string;
    timezone: string;
    launches: string[];
    warning?: string;
  }>('GET', `/campaigns/${campaign}/schedule/preview`);
  if (opts.json) return void console.log(jsonText(r));
  if (r.expression)
    console.log(
      `${terminalText(r.expression, true)}${r.lastDayExpression ? ` and ${terminalText(r.lastDayExpression, true)}` : ''} ${color.dim(`(${terminalText(r.timezone, true)})`)}`,
    );
  for (const l of r.launches) console.log(`  ${formatTime(l, r.timezone)}`);
  if (!r.launches.length) console.log(color.dim('  no launch to come'));
  if (r.warning) console.log(color.yellow(`  ${terminalText(r.warning, true)}`));
}

export async function versions(campaign: string, opts: CampaignArgs): Promise<void> {
  checkCampaignId(campaign);
  const list = await client(opts.endpoint).ok<
    Array<{ version: number; publishedAt: string; label: string; current: boolean }>
  >('GET', `/campaigns/${campaign}/versions`);
  if (opts.json) return void console.log(jsonText(list));
  if (!list.length) return void console.log(`${campaign} was never published; \`orca publish FILE\` publishes it`);
  console.log(
    table(
      ['version', 'published', 'label'],
      list.map((v) => [
        styled(`${v.version}${v.current ? color.green(' (current)') : ''}`),
        formatTime(v.publishedAt),
        v.label,
      ]),
    ),
  );
}

export async function tasks(runId: string, opts: CampaignArgs): Promise<void> {
  checkRunId(runId);
  const list = await client(opts.endpoint).ok<
    Array<{ activityId: string; startedAt: string; endedAt?: string; status: string; rows?: number; error?: string }>
  >('GET', `/runs/${runId}/tasks`);
  if (opts.json) return void console.log(jsonText(list));
  if (!list.length) return void console.log(`run ${runId} has no task yet`);
  console.log(
    table(
      ['', 'activity', 'started', 'status', 'rows', 'time'],
      list.map((t) => [
        styled(statusIcon(t.status)),
        t.activityId,
        formatTime(t.startedAt),
        t.error ? `${statusLabel(t.status)}: ${t.error.slice(0, 60)}` : statusLabel(t.status),
        t.rows !== undefined ? t.rows.toLocaleString('en-US') : '',
        t.endedAt ? `${Math.max(0, Date.parse(t.endedAt) - Date.parse(t.startedAt))} ms` : '',
      ]),
    ),
  );
}
