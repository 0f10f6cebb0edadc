import type { Command } from 'commander';
import { ENDPOINT_OPTION } from '../options.js';
import { lazy } from './lazy.js';

export function doctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check a deployment piece by piece (API, Athena workgroup, Glue database and tables, bucket, sending identities, a query) and run a tiny campaign through its API; exit 1 when a check fails',
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
    .option('--email-identity <identity>', 'the SES identity it sends from (default: $ORCA_SES_IDENTITY)')
    .option(
      '--email-configuration-set <name>',
      "its SES configuration set (the send function's ORCA_SES_CONFIGURATION_SET; default: $ORCA_SES_CONFIGURATION_SET)",
    )
    .option('--sms-identity <id>', 'the SMS origination identity (default: $ORCA_SMS_ORIGINATION_IDENTITY)')
    .option(
      '--sms-configuration-set <name>',
      'its End User Messaging configuration set (default: $ORCA_SMS_CONFIGURATION_SET)',
    )
    .option('--push-application <arn>', 'the SNS platform application (default: $ORCA_PUSH_PLATFORM_APPLICATION)')
    .option('--json', 'print the checks as JSON')
    .action(lazy(async () => (await import('./actions/doctor.js')).doctor));
}
