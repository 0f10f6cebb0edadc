import type { Command } from 'commander';
import { positiveInt } from '../options.js';
import { lazy } from './lazy.js';

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate the sample data if it is missing, then run the flagship campaign (examples/winback.yaml)')
    .option('--profiles <n>', 'sample size when generating', positiveInt('--profiles'), 100_000)
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .action(lazy(async () => (await import('./actions/demo.js')).demo));
}
