import type { Command } from 'commander';
import { ENDPOINT_OPTION } from '../options.js';
import { lazy } from './lazy.js';

export function doctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check a deployment piece by piece (API, Athena workgroup, Glue database and tables, bucket, a query) and run a tiny campaign through its API; exit 1 when a check fails',
    )
    .option(...ENDPOINT_OPTION)
    .option(
      '--catalog <file>',
      "the deployment's data catalog (default: $ORCA_CATALOG, ./catalog.yaml, or the sample catalog)",
    )
    .option(
      '--region <region>',
      "AWS region of the deployment (default: the endpoint's, or $AWS_REGION); none: no AWS checks",
    )
    .option('--workgroup <name>', 'Athena workgroup', 'orca')
    .option('--database <name>', 'Glue database', 'orca')
    .option('--bucket <name>', "the data bucket (the stack's DataBucket output)")
    .option('--json', 'print the checks as JSON')
    .action(lazy(async () => (await import('./actions/doctor.js')).doctor));
}
