import type { Command } from 'commander';
import { API_OR_DATA_OPTIONS } from '../options.js';
import { lazy } from './lazy.js';

export function reportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "a run's or a campaign's channel report: targeted, excluded by reason, sent, failed, delivered, bounced, complained, opened and clicked (unique), unsubscribed, with rates",
    )
    .argument('<run-or-campaign>', 'a run id, or a campaign id (all its runs)')
    .option(...API_OR_DATA_OPTIONS[0])
    .option(...API_OR_DATA_OPTIONS[1])
    .option('--json', 'print JSON')
    .action(lazy(async () => (await import('./actions/report.js')).report));
}
