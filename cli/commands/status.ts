import type { Command } from 'commander';
import { API_OR_DATA_OPTIONS, positiveInt } from '../options.js';
import { lazy } from './lazy.js';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description("one run: each activity's status and each transition's row count; without a run, the recent runs")
    .argument('[run]', 'a run id')
    .option(...API_OR_DATA_OPTIONS[0])
    .option(...API_OR_DATA_OPTIONS[1])
    .option('--limit <n>', 'how many recent runs', positiveInt('--limit'), 20)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await import('./actions/status.js')).status));
}
