import type { Command } from 'commander';
import { loadCatalogFor } from '../load.js';
import { color, table } from '../output.js';
import { dataPath } from '../paths.js';
import { statusIcon } from '../progress.js';
import { jsonSummary, openRuntime, printSummary, summarize, type RunSummary } from '../runs.js';
import { ApiClient, endpointOf, ServerUnreachable } from '../api-client.js';

/** Runs a command against the API; without a server (and no --endpoint), against the local data folder. */
export async function viaApiOrLocal<T>(endpoint: string | undefined, remote: (api: ApiClient) => Promise<T>, local: () => Promise<T>): Promise<T> {
  const e = endpointOf(endpoint);
  try {
    return await remote(new ApiClient(e.url));
  } catch (err) {
    if (err instanceof ServerUnreachable && !e.explicit) return local();
    throw err;
  }
}

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description("one run: each activity's status and each transition's row count; without a run, the recent runs")
    .argument('[run]', 'a run id')
    .option('--endpoint <url>', 'orca API (default: the local `orca serve` if it runs, else the data folder)')
    .option('--data <dir>', 'data folder, when no server runs (default: $ORCA_DATA or ./.orca)')
    .option('--limit <n>', 'how many recent runs', '20')
    .option('--json', 'print JSON')
    .action(async (runId: string | undefined, opts: { endpoint?: string; data?: string; json?: boolean; limit: string }) => {
      if (runId) {
        const s = await viaApiOrLocal<RunSummary>(
          opts.endpoint,
          (api) => api.ok<RunSummary>('GET', `/runs/${encodeURIComponent(runId)}`),
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
      const runs = await viaApiOrLocal<Row[]>(
        opts.endpoint,
        async (api) =>
          (await api.ok<Array<{ id: string; lastRun?: { runId: string; status: string; startedAt: string; endedAt?: string } }>>('GET', '/campaigns'))
            .filter((c) => c.lastRun)
            .map((c) => ({ runId: c.lastRun!.runId, campaign: c.id, status: c.lastRun!.status, startedAt: c.lastRun!.startedAt, ...(c.lastRun!.endedAt ? { endedAt: c.lastRun!.endedAt } : {}) }))
            .sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
        async () => {
          const runtime = await openRuntime(dataPath(opts.data), loadCatalogFor());
          try {
            return (await runtime.store.recentRuns(Number(opts.limit) || 20)).map((r) => ({ runId: r.runId, campaign: r.campaignId, status: r.status, startedAt: r.startedAt, ...(r.endedAt ? { endedAt: r.endedAt } : {}) }));
          } finally {
            await runtime.close();
          }
        },
      );
      if (opts.json) return void console.log(JSON.stringify(runs.map((r) => ({ ...r, endedAt: r.endedAt ?? null })), null, 2));
      if (!runs.length) return void console.log('no runs yet; start one with `npx orca run FILE`');
      console.log(table(['', 'run', 'campaign', 'status', 'started', 'time'], runs.map((r) => [statusIcon(r.status), r.runId, r.campaign, r.status, r.startedAt.replace('T', ' ').slice(0, 19), r.endedAt ? `${((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s` : ''])));
      console.log(color.dim('\n`orca status RUN` shows a run; `orca logs RUN` its log'));
    });
}
