import type { Command } from 'commander';
import { lazy } from './lazy.js';

const common = (c: Command) =>
  c
    .option('--catalog <file>', 'data catalog')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print JSON');

/** orca import JOB, orca import rollback TABLE VERSION, orca jobs, orca job ID, orca job pause|resume|cancel ID, orca rejects ID. */
export function importCommands(program: Command): void {
  const imp = common(
    program
      .command('import')
      .description('run an import job (a YAML or JSON job file) locally: load a file into a catalog table')
      .argument('<job>', 'job file')
      .option('--file <path>', "the file to load, relative to the data folder (instead of the job's source.file)"),
  ).action(lazy(async () => (await import('./actions/import.js')).runImport));
  common(
    imp
      .command('rollback')
      .description("make a kept version the table's current one")
      .argument('<table>')
      .argument('<version>'),
  ).action(lazy(async () => (await import('./actions/import.js')).rollbackTable));
  common(
    program
      .command('jobs')
      .description('list import and export jobs, newest first')
      .option('--status <status>', 'only the jobs in this status'),
  ).action(lazy(async () => (await import('./actions/import.js')).listJobs));
  const job = common(
    program.command('job').description("an import or export job's status, counts and journal").argument('<id>'),
  ).action(lazy(async () => (await import('./actions/import.js')).showJob));
  for (const action of ['pause', 'resume', 'cancel'] as const)
    common(job.command(action).description(`${action} an import or export job`).argument('<id>')).action(
      lazy(async () => (await import('./actions/import.js'))[action]),
    );
  common(
    program
      .command('rejects')
      .description("an import job's rejected lines (line, column, value, reason)")
      .argument('<id>')
      .option('--csv', 'print them all as CSV')
      .option('--limit <n>', 'lines to show', '100'),
  ).action(lazy(async () => (await import('./actions/import.js')).showRejects));
}
