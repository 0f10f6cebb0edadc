import { loadCatalogFor } from '../../load.js';
import { color, formatTime, jsonText, styled, table } from '../../output.js';
import { dataPath } from '../../paths.js';
import { statusIcon } from '../../progress.js';
import { jsonSummary, openRuntime, printSummary, sortActivities, summarize, type RunSummary } from '../../runs.js';
import { ApiClient, endpointOf, ServerUnreachable } from '../../api-client.js';
import { checkRunId } from '../../options.js';

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
    // The default local server is only probed: something else on its port must not hold the command.
    return await remote(new ApiClient(e.url, e.explicit ? undefined : 3000));
  } catch (err) {
    if (err instanceof ServerUnreachable && !e.explicit) return local();
    throw err;
  }
}

export async function status(runId: string | undefined, opts: StatusCommandOptions): Promise<void> {
  if (runId) {
    checkRunId(runId);
    const s = await viaApiOrLocal<RunSummary>(
      opts,
      async (api) => sortActivities(await api.ok<RunSummary>('GET', `/runs/${encodeURIComponent(runId)}`)),
      async () => {
        const { runtime, close } = await openRuntime(dataPath(opts.data), loadCatalogFor(), 'orca status');
        try {
          return await summarize(runtime.store, runId);
        } finally {
          await close();
        }
      },
    );
    if (opts.json) console.log(jsonText(jsonSummary(s)));
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
      const { runtime, close } = await openRuntime(dataPath(opts.data), loadCatalogFor(), 'orca status');
      try {
        return (await runtime.store.recentRuns(opts.limit)).map(row);
      } finally {
        await close();
      }
    },
  );
  if (opts.json) return void console.log(jsonText(runs.map((r) => ({ ...r, endedAt: r.endedAt ?? null }))));
  if (!runs.length) return void console.log('no runs yet; start one with `npx orca run FILE`');
  console.log(
    table(
      ['', 'run', 'campaign', 'status', 'started', 'time'],
      runs.map((r) => [
        styled(statusIcon(r.status)),
        r.runId,
        r.campaign,
        r.status,
        formatTime(r.startedAt, undefined, true),
        r.endedAt ? `${((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s` : '',
      ]),
    ),
  );
  console.log(color.dim('\n`orca status RUN` shows a run; `orca logs RUN` its log'));
}
