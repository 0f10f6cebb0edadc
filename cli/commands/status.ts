import type { Command } from 'commander';
import { loadCatalogFor } from '../load.js';
import { color, table } from '../output.js';
import { dataPath } from '../paths.js';
import { statusIcon } from '../progress.js';
import { jsonSummary, openRuntime, printSummary, summarize } from '../runs.js';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description('the recent runs, or one run: each activity status and each transition row count')
    .argument('[run]', 'a run id (default: list the recent runs)')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--limit <n>', 'how many recent runs', '20')
    .option('--json', 'print JSON')
    .action(async (runId: string | undefined, opts: { data?: string; json?: boolean; limit: string }) => {
      const runtime = await openRuntime(dataPath(opts.data), loadCatalogFor());
      try {
        if (runId) {
          const s = await summarize(runtime.store, runId);
          if (opts.json) console.log(JSON.stringify(jsonSummary(s), null, 2));
          else printSummary(s);
          return;
        }
        const runs = await runtime.store.recentRuns(Number(opts.limit) || 20);
        if (opts.json) {
          console.log(JSON.stringify(runs.map((r) => ({ runId: r.runId, campaign: r.campaignId, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt ?? null, error: r.error ?? null })), null, 2));
          return;
        }
        if (!runs.length) {
          console.log('no runs yet in this data folder; start one with `npx orca run FILE`');
          return;
        }
        console.log(table(['', 'run', 'campaign', 'status', 'started', 'time'], runs.map((r) => [statusIcon(r.status), r.runId, r.campaignId, r.status, r.startedAt.replace('T', ' ').slice(0, 19), r.endedAt ? `${((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s` : ''])));
        console.log(color.dim('\n`orca status RUN` shows a run; `orca logs RUN` its log'));
      } finally {
        await runtime.close();
      }
    });
}
