import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function outboxCommand(program: Command): void {
  program
    .command('outbox')
    .description('the local outbox: the messages runs sent without an SMTP server (emails, SMS, push)')
    .argument('[run]', 'run id (default: list the runs with messages)')
    .option('--show <message>', "print one message (the email's RFC 822 text, the SMS or push JSON)")
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print JSON lines')
    .action(lazy(async () => (await import('./actions/outbox.js')).outbox));
}
