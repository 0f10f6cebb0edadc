import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function countCommand(program: Command): void {
  program
    .command('count')
    .description(
      "the row count of an activity's output, running only the activities upstream of it (test mode, scratch tables under the data folder's tmp/, removed after); nothing is saved",
    )
    .argument('<file>', 'campaign file')
    .requiredOption('--activity <id>', 'the activity to count')
    .option('--output <name>', 'which output (default: its first, usually main)')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--catalog <file>', 'data catalog')
    .option('--var <name=value...>', 'campaign variables, e.g. --var minSpend=300')
    .option('--json', 'print {"activity", "output", "rows", "upstream"} as JSON')
    .action(lazy(async () => (await import('./actions/count.js')).count));
}
