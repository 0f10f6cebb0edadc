import type { Command } from 'commander';
import { positiveInt, usd } from '../options.js';
import { lazy } from './lazy.js';

export function costCommand(program: Command): void {
  program
    .command('cost')
    .description(
      'estimate what one run of a campaign, or one import or export job, costs on AWS (Step Functions, Lambda, Athena, DynamoDB, S3, logs, messages sent)',
    )
    .argument('<file>', 'campaign file, or import or export job file')
    .requiredOption(
      '--profiles <n>',
      'rows of the targeting dimension (table sizes scale with it); for an import job, rows of its table; for an export job, the rows exported',
      positiveInt('--profiles'),
    )
    .option(
      '--lines <n>',
      'import job: lines of its file (default: counted in the data folder)',
      positiveInt('--lines'),
    )
    .option('--catalog <file>', 'data catalog')
    .option(
      '--data <dir>',
      'measure table sizes from this data folder (default: $ORCA_DATA or ./.orca, if it has data)',
    )
    .option(
      '--sms-price <usd>',
      'USD per SMS message part for your country and origination identity (AWS End User Messaging SMS pricing); without it SMS is not priced',
      usd('--sms-price'),
    )
    .option('--json', 'print JSON')
    .action(lazy(async () => (await import('./actions/cost.js')).cost));
}
