/** What the commands over the HTTP API do: campaigns, publish, start, pause, resume, stop, preview. */
import { extname } from 'node:path';
import { readFileSync } from 'node:fs';
import { ApiClient, endpointOf } from '../../api-client.js';
import { CliError, color, printFindings, table } from '../../output.js';
import { readCampaign } from '../../load.js';
import { statusIcon } from '../../progress.js';
import { parseVariables } from '../../options.js';
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
}

export async function campaigns(opts: CampaignsCommandOptions): Promise<void> {
  const q = new URLSearchParams({
    ...(opts.status ? { status: opts.status } : {}),
    ...(opts.search ? { q: opts.search } : {}),
  });
  const list = await client(opts.endpoint).ok<CampaignView[]>('GET', `/campaigns${q.size ? `?${q}` : ''}`);
  if (opts.json) return void console.log(JSON.stringify(list, null, 2));
  if (!list.length) return void console.log('no campaigns; publish one with `npx orca publish FILE`');
  console.log(
    table(
      ['campaign', 'status', 'version', 'trigger', 'last run', 'next run'],
      list.map((c) => [
        `${c.id}${c.changed && c.version ? color.yellow(' *') : ''}`,
        c.runInProgress ? `${c.status} (running)` : c.status,
        `${c.version || '-'}${c.source === 'code' ? color.dim(' (code)') : ''}`,
        c.trigger,
        c.lastRun ? `${statusIcon(c.lastRun.status)} ${c.lastRun.runId}` : '',
        c.nextRun ? c.nextRun.replace('T', ' ').slice(0, 16) : '',
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
  if (opts.json) console.log(JSON.stringify(r.body, null, 2));
  else if (r.status === 422 && r.body.details) printFindings(file, r.body.details.errors, r.body.details.warnings);
  else if (r.status >= 400) throw new CliError(r.body.message ?? `HTTP ${r.status}`, 1);
  else
    console.log(
      `${color.green('✓')} ${doc.id} published: version ${r.body.version}, ${r.body.status}${r.body.startedRun ? `; run ${r.body.startedRun} started` : ''}`,
    );
  process.exitCode = r.status < 400 ? 0 : 1;
}

export async function start(campaign: string, opts: StartCommandOptions): Promise<void> {
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
  if (!opts.wait) return void console.log(opts.json ? JSON.stringify(r) : r.runId);
  for (;;) {
    const run = await api.ok<{ status: string; error?: string }>('GET', `/runs/${r.runId}`);
    if (hasEnded(run.status)) {
      console.log(
        opts.json
          ? JSON.stringify(run, null, 2)
          : `${statusIcon(run.status)} ${r.runId}: ${run.status}${run.error ? `: ${run.error}` : ''}`,
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
    const r = await client(opts.endpoint).ok<{ status?: string; runId: string }>('POST', `/runs/${runId}/${command}`);
    console.log(
      command === 'restart' ? `restarted: new run ${r.runId}` : `${statusIcon(r.status ?? '')} ${runId}: ${r.status}`,
    );
  };
}

export async function preview(runId: string, transition: string, opts: PreviewCommandOptions): Promise<void> {
  const r = await client(opts.endpoint).ok<{
    total: number;
    columns: Array<{ name: string }>;
    rows: Array<Record<string, unknown>>;
  }>('GET', `/runs/${runId}/transitions/${transition}/rows?limit=${opts.limit}&offset=${opts.offset}`);
  if (opts.json) return void console.log(JSON.stringify(r, null, 2));
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
