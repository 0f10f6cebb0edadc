import { loadCatalogFor } from '../../load.js';
import { CliError, color, formatTime, jsonText, localZone, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { openRuntime } from '../../runs.js';
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../../lambdas/ports/store.js';
import { filterLogs } from '../../../lambdas/api/logs.js';
import { hasEnded } from '../../../statemachines/lifecycle.js';
import { viaApiOrLocal } from './status.js';
import { checkRunId } from '../../options.js';
import type { LogsCommandOptions } from '../options.js';

function formatLog(l: LogEntry): string {
  const level =
    l.level === 'error'
      ? color.red('error')
      : l.level === 'warn'
        ? color.yellow('warn ')
        : color.dim(l.level.padEnd(5));
  // The local time of day with its milliseconds; the zone is named once, above the entries.
  const time = `${formatTime(l.at, undefined, true).split(' ')[1]}.${l.at.slice(20, 23)}`;
  return `${color.dim(terminalText(time, true))} ${level} ${l.activity ? `${color.bold(terminalText(l.activity, true))}: ` : ''}${terminalText(l.message)}${l.durationMs !== undefined ? color.dim(` (${Math.round(l.durationMs)} ms)`) : ''}`;
}

type Entry = LogEntry & { id: string };

export async function logs(runId: string, opts: LogsCommandOptions): Promise<void> {
  checkRunId(runId);
  if (!(LOG_LEVELS as readonly string[]).includes(opts.level))
    throw new CliError(`unknown level '${opts.level}': use ${LOG_LEVELS.join(', ')}`, 2);
  let labelled = false;
  const print = (entries: Entry[]) => {
    if (!opts.json && !labelled && entries.length) {
      console.log(color.dim(`times in ${localZone()}`));
      labelled = true;
    }
    for (const l of entries) {
      if (opts.json) console.log(jsonText(l, undefined));
      else {
        console.log(formatLog(l));
        if (opts.sql && l.sql) console.log(color.dim(terminalText(l.sql).replace(/^/gm, '    ')));
      }
    }
  };
  const query = (after?: string) =>
    new URLSearchParams({
      level: opts.level,
      ...(opts.activity ? { activity: opts.activity } : {}),
      ...(opts.search ? { q: opts.search } : {}),
      ...(after ? { after } : {}),
    });
  await viaApiOrLocal(
    opts,
    async (api) => {
      let entries = await api.ok<Entry[]>('GET', `/runs/${encodeURIComponent(runId)}/logs?${query()}`);
      print(entries);
      let last = entries.at(-1)?.id;
      while (opts.follow) {
        const run = await api.ok<{ status: string }>('GET', `/runs/${encodeURIComponent(runId)}`);
        entries = await api.ok<Entry[]>('GET', `/runs/${encodeURIComponent(runId)}/logs?${query(last)}`);
        print(entries);
        last = entries.at(-1)?.id ?? last;
        if (hasEnded(run.status) && !entries.length) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async () => {
      if (opts.follow) throw new CliError('--follow needs a running orca server (`npx orca serve`)', 2);
      const { runtime, close } = await openRuntime(dataPath(opts.data), loadCatalogFor(), 'orca logs');
      try {
        if (!(await runtime.store.getRun(runId)))
          throw new CliError(`no run '${runId}' in this data folder; \`orca status\` lists the recent runs`, 1);
        print(
          filterLogs(await runtime.store.listLogs(runId), {
            activity: opts.activity,
            level: opts.level as LogLevel,
            q: opts.search,
          }),
        );
      } finally {
        await close();
      }
    },
  );
}
