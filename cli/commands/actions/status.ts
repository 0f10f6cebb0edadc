import { loadCatalogFor } from '../../load.js';
import { color, table } from '../../output.js';
import { dataPath } from '../../paths.js';
import { statusIcon } from '../../progress.js';
import { jsonSummary, openRuntime, printSummary, sortActivities, summarize, type RunSummary } from '../../runs.js';
import { ApiClient, endpointOf, ServerUnreachable } from '../../api-client.js';

import type { StatusCommandOptions } from '../options.js';

/**
 * Runs a command against the API; with --data (and no --endpoint), or without a server, against
 * the local data folder.
 */
export async function viaApiOrLocal<T>(
  opts: { endpoint?: string | undefined; data?: string | undefined },
  remote: (api: ApiClient) => Promise<T>,
  local: () => Promise<T>,
): Promise<T> {
  if (opts.data && !opts.endpoint) return local();
  const e = endpointOf(opts.endpoint);
  try {
    return await remote(new ApiClient(e.url));
  } catch (err) {
    if (err instanceof ServerUnreachable && !e.explicit) return local();
    throw err;
  }
}

export async function status(runId: string | undefined, opts: StatusCommandOptions): Promise<void> {
  if (runId) {
    const s = await viaApiOrLocal<RunSummary>(
      opts,
      async (api) => sortActivities(await api.ok<RunSummary>('GET', `/runs/${encodeURIComponent(runId)}`)),
      async () => {
        const runtime = await openRuntime(dataPath(opts.data), loadCatalogFor());
        try {
          return await summarize(runtime.store, runId);
        } finally {
          await runtime.close();
        }
      },
    );
    if (opts.json) console.log(JSON.stringify(jsonSummary(s), null, 2));
    else printSummary(s);
    return;
  }
  type Row = { runId: string; campaign: string; status: string; startedAt: string; endedAt?: string };
  const row = (r: { runId: string; campaignId: string; status: string; startedAt: string; endedAt?: string }): Row => ({
    runId: r.runId,
    campaign: r.campaignId,
    status: r.status,
    startedAt: r.startedAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
  });
  const runs = await viaApiOrLocal<Row[]>(
    opts,
    async (api) => (await api.ok<Array<Parameters<typeof row>[0]>>('GET', `/runs?limit=${opts.limit}`)).map(row),
    async () => {
      const runtime = await openRuntime(dataPath(opts.data), loadCatalogFor());
      try {
        return (await runtime.store.recentRuns(opts.limit)).map(row);
      } finally {
        await runtime.close();
      }
    },
  );
  if (opts.json)
    return void console.log(
      JSON.stringify(
        runs.map((r) => ({ ...r, endedAt: r.endedAt ?? null })),
        null,
        2,
      ),
    );
  if (!runs.length) return void console.log('no runs yet; start one with `npx orca run FILE`');
  console.log(
    table(
      ['', 'run', 'campaign', 'status', 'started', 'time'],
      runs.map((r) => [
        statusIcon(r.status),
        r.runId,
        r.campaign,
        r.status,
        r.startedAt.replace('T', ' ').slice(0, 19),
        r.endedAt ? `${((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s` : '',
      ]),
    ),
  );
  console.log(color.dim('\n`orca status RUN` shows a run; `orca logs RUN` its log'));
}
