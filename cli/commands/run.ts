import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function runCommand(program: Command): void {
  program
    .command('run')
    .description(
      'validate, compile and run a campaign on the local stack (DuckDB, Parquet, local Step Functions); exit 0 when the run completed, 1 when it failed',
    )
    .argument('<file>', 'campaign file')
    .option('--data <dir>', 'data folder: catalog data, work tables, run store (default: $ORCA_DATA or ./.orca)')
    .option('--catalog <file>', 'data catalog')
    .option('--test', 'test mode: everything but Save audience and channels')
    .option('--var <name=value...>', 'campaign variables, e.g. --var minSpend=300')
    .option(
      '--smtp <url>',
      'send email over this SMTP server, e.g. smtp://127.0.0.1:1025 (default: $ORCA_SMTP_URL, else the outbox folder <data>/outbox/<run>/)',
    )
    .option('--json', 'print {"status", "activities", "transitions"} as JSON, without progress')
    .action(lazy(async () => (await import('./actions/run.js')).run));
}
