import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function sqlCommand(program: Command): void {
  program
    .command('sql')
    .description(
      "print the SQL of an activity's query (the code view); inbound work tables appear under a placeholder run id RUN",
    )
    .argument('<file>', 'campaign file')
    .requiredOption('--activity <id>', 'the activity')
    .option('--dialect <dialect>', 'athena or duckdb', 'duckdb')
    .option('--catalog <file>', 'data catalog')
    .option('--data <dir>', 'data folder the DuckDB paths are relative to (default: $ORCA_DATA or ./.orca)')
    .option('--database <name>', 'Glue database for the athena dialect', 'orca')
    .action(lazy(async () => (await import('./actions/sql.js')).sql));
}
