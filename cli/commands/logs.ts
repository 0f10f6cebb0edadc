import type { Command } from 'commander';
import { API_OR_DATA_OPTIONS } from '../options.js';
import { lazy } from './lazy.js';

export function logsCommand(program: Command): void {
  program
    .command('logs')
    .description("a run's log, in order: what each activity did, its SQL and duration, user actions and errors")
    .argument('<run>', 'run id')
    .option(...API_OR_DATA_OPTIONS[0])
    .option(...API_OR_DATA_OPTIONS[1])
    .option('--activity <id>', 'only this activity')
    .option('--level <level>', 'at least this level: debug, info, warn, error', 'debug')
    .option('--search <text>', 'only entries containing this text')
    .option('--follow', 'keep printing new entries until the run ends (needs a server)')
    .option('--sql', "show each query's SQL")
    .option('--json', 'print JSON lines')
    .action(lazy(async () => (await import('./actions/logs.js')).logs));
}
