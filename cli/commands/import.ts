import type { Command } from 'commander';
import { API_OR_DATA_OPTIONS } from '../options.js';
import { lazy } from './lazy.js';
import { remoteEndpoint } from '../remote-endpoint.js';
import type { RemoteImportOptions } from './actions/import-remote.js';

const common = (c: Command) =>
  c
    .option('--catalog <file>', 'data catalog')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print JSON');

/** The commands that read or act on jobs: over an orca server's API (--endpoint), or else the data folder. */
const viaApi = (c: Command) =>
  c
    .option('--catalog <file>', 'data catalog (with the data folder)')
    .option(...API_OR_DATA_OPTIONS[0])
    .option(...API_OR_DATA_OPTIONS[1])
    .option('--json', 'print JSON');

/**
 * orca import JOB, orca import rollback TABLE VERSION, orca jobs, orca job ID, orca job
 * pause|resume|cancel ID, orca job download ID, orca rejects ID.
 */
export function importCommands(program: Command): void {
  const imp = common(
    program
      .command('import')
      .description(
        'run an import job (a YAML or JSON job file): load a file into a catalog table, locally or on an orca API (--endpoint)',
      )
      .argument('<job>', 'job file')
      .option(
        '--file <path>',
        "the file to load instead of the job's source.file: relative to the data folder; with --endpoint, a file on this machine, uploaded",
      )
      .option(
        '--endpoint <url>',
        'run the job on this orca API (a deployed stack, or `orca serve`; default: $ORCA_ENDPOINT when set, unless --data or --catalog)',
      )
      .option(
        '--remote-file <path>',
        "with --endpoint: the file to load is already in the API's data folder or bucket (uploads/…): not uploaded",
      )
      .option(
        '--wait',
        'with --endpoint: follow the job until it ends; exit 0 when finished, 1 otherwise (Ctrl-C stops following, not the job)',
      )
      .addHelpText(
        'after',
        `
With --endpoint the job runs on the API; the file it loads is uploaded first when it is on this
machine: --file is always a local file (uploaded), --remote-file never is; otherwise the job's
source.file is uploaded when it names a file here (from the current directory), else it is sent
as it is, a path in the API's data folder or bucket (uploads/<id>/<name> from an earlier upload).
The upload is a ticket from POST /uploads (the server's upload limit applies), then the bytes
streamed to it; the job starts with source.file naming the upload. Without --wait the command
prints the job id and returns; \`orca job ID --endpoint URL\` follows it.`,
      ),
  ).action(async (file: string, opts: RemoteImportOptions & { data?: string; catalog?: string }) => {
    const endpoint = remoteEndpoint(opts);
    if (endpoint === undefined) return (await import('./actions/import.js')).runImport(file, opts);
    return (await import('./actions/import-remote.js')).runRemoteImport(file, { ...opts, endpoint });
  });
  common(
    imp
      .command('rollback')
      .description("make a kept version the table's current one")
      .argument('<table>')
      .argument('<version>'),
  ).action(lazy(async () => (await import('./actions/import.js')).rollbackTable));
  viaApi(
    program
      .command('jobs')
      .description('list import and export jobs, newest first')
      .option('--status <status>', 'only the jobs in this status'),
  ).action(lazy(async () => (await import('./actions/import.js')).listJobs));
  const job = viaApi(
    program.command('job').description("an import or export job's status, counts and journal").argument('<id>'),
  ).action(lazy(async () => (await import('./actions/import.js')).showJob));
  for (const action of ['pause', 'resume', 'cancel'] as const)
    viaApi(job.command(action).description(`${action} an import or export job`).argument('<id>')).action(
      lazy(async () => (await import('./actions/import.js'))[action]),
    );
  job
    .command('download')
    .description("download an export job's file once it has finished, from an orca API")
    .argument('<id>')
    .option('--out <path>', "the file to write (default: the export's file name, in the current directory)")
    .option('--force', 'replace that file if it exists')
    // --endpoint and --json are the parent's (`orca job`), which takes them anywhere on the line.
    .configureHelp({ showGlobalOptions: true })
    .action(lazy(async () => (await import('./actions/export-remote.js')).downloadJob));
  viaApi(
    program
      .command('rejects')
      .description("an import job's rejected lines (line, column, value, reason)")
      .argument('<id>')
      .option('--csv', 'print them all as CSV')
      .option('--limit <n>', 'lines to show', '100'),
  ).action(lazy(async () => (await import('./actions/import.js')).showRejects));
}
