import type { Command } from 'commander';
import { loadCatalogFor } from '../load.js';
import { CliError, color } from '../output.js';
import { dataPath } from '../paths.js';
import { openRuntime } from '../runs.js';
import type { LogEntry } from '../../lambdas/ports/store.js';

const LEVELS = ['debug', 'info', 'warn', 'error'];

export function formatLog(l: LogEntry): string {
  const level = l.level === 'error' ? color.red('error') : l.level === 'warn' ? color.yellow('warn ') : color.dim(l.level.padEnd(5));
  const time = l.at.replace('T', ' ').slice(11, 23);
  const extra = [l.durationMs !== undefined ? `${Math.round(l.durationMs)} ms` : ''].filter(Boolean).join(' ');
  return `${color.dim(time)} ${level} ${l.activity ? `${color.bold(l.activity)}: ` : ''}${l.message}${extra ? color.dim(` (${extra})`) : ''}`;
}

export function logsCommand(program: Command): void {
  program
    .command('logs')
    .description("a run's log, in order: what each activity did, its SQL and duration, user actions and errors")
    .argument('<run>', 'run id')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--activity <id>', 'only this activity')
    .option('--level <level>', 'at least this level: debug, info, warn, error', 'debug')
    .option('--search <text>', 'only entries containing this text')
    .option('--sql', "show each query's SQL")
    .option('--json', 'print JSON lines')
    .action(async (runId: string, opts: { data?: string; activity?: string; level: string; search?: string; sql?: boolean; json?: boolean }) => {
      if (!LEVELS.includes(opts.level)) throw new CliError(`unknown level '${opts.level}': use ${LEVELS.join(', ')}`, 2);
      const runtime = await openRuntime(dataPath(opts.data), loadCatalogFor());
      try {
        if (!(await runtime.store.getRun(runId))) throw new CliError(`no run '${runId}' in this data folder; \`orca status\` lists the recent runs`, 1);
        const min = LEVELS.indexOf(opts.level);
        const needle = opts.search?.toLowerCase();
        const entries = (await runtime.store.listLogs(runId)).filter(
          (l) => LEVELS.indexOf(l.level) >= min && (!opts.activity || l.activity === opts.activity) && (!needle || `${l.activity ?? ''} ${l.message} ${l.sql ?? ''}`.toLowerCase().includes(needle)),
        );
        for (const l of entries) {
          if (opts.json) console.log(JSON.stringify(l));
          else {
            console.log(formatLog(l));
            if (opts.sql && l.sql) console.log(color.dim(l.sql.replace(/^/gm, '    ')));
          }
        }
      } finally {
        await runtime.close();
      }
    });
}
