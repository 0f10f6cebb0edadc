import type { Command } from 'commander';
import { CliError } from '../output.js';
import { lazy } from './lazy.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--port takes a port number, got '${value}'`, 2);
  return n;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the orca HTTP API on the local stack: campaigns, publishing, runs, schedules (Ctrl-C stops)')
    .option('--port <n>', 'port (0: any free port)', port, 7777)
    .option(
      '--host <host>',
      'address to listen on (loopback by default; the local API has no authentication)',
      '127.0.0.1',
    )
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--catalog <file>', 'data catalog')
    .option(
      '--smtp <url>',
      'send email over this SMTP server, e.g. smtp://127.0.0.1:1025 (default: $ORCA_SMTP_URL, else the outbox folder <data>/outbox/<run>/)',
    )
    .option('--upload-limit <MB>', 'the largest file uploaded for an import job, in MB (default 1024)', (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new CliError(`--upload-limit takes a size in MB, got '${v}'`, 2);
      return n;
    })
    .option('--quiet', 'do not log requests')
    .action(lazy(async () => (await import('./actions/serve.js')).serve));
}
