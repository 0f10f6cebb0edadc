import type { Command } from 'commander';
import { isoDate, positiveInt } from '../options.js';
import { lazy } from './lazy.js';

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description(
      'write the sample data (recipients, products, purchases, subscriptions, a leads CSV) as Parquet under the data folder',
    )
    .option('--profiles <n>', 'number of recipients', positiveInt('--profiles'), 100_000)
    .option('--seed <n>', 'seed: the same seed, count and date give the same files', positiveInt('--seed'), 42)
    .option('--as-of <date>', 'date the data ends at, YYYY-MM-DD (default: today)', isoDate('--as-of'))
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print the row counts as JSON')
    .action(lazy(async () => (await import('./actions/generate.js')).generate));
}
