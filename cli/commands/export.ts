import type { Command } from 'commander';
import { remoteEndpoint } from '../remote-endpoint.js';
import type { RemoteExportOptions } from './actions/export-remote.js';

/** orca export TABLE | --audience NAME --format csv|parquet [--out PATH], locally or on an orca API (--endpoint). */
export function exportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export a catalog table (its current version) or a saved audience as CSV or Parquet, as a job (see orca jobs, orca job ID), locally or on an orca API (--endpoint)',
    )
    .argument('[table]', 'the catalog table')
    .option('--audience <name>', 'a saved audience instead of a table')
    .option('--format <format>', 'csv or parquet', 'csv')
    .option(
      '--out <path>',
      'the file, under the data folder (default: exports/<name>-<job>.<format>); with --endpoint, a file on this machine the export is downloaded to (implies --wait)',
    )
    .option('--columns <list>', 'the columns to write, comma-separated (default: all)')
    .option('--delimiter <char>', 'CSV: the field separator', ',')
    .option('--no-header', 'CSV: no first line naming the columns')
    .option('--catalog <file>', 'data catalog')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print JSON')
    .option(
      '--endpoint <url>',
      'run the export on this orca API (a deployed stack, or `orca serve`; default: $ORCA_ENDPOINT when set, unless --data or --catalog)',
    )
    .option(
      '--wait',
      "with --endpoint: follow the job to its end, then download its file (to --out, else the export's file name in the current directory); exit 0 when finished, 1 otherwise",
    )
    .option('--force', 'with --endpoint: replace the local file --out names if it exists')
    .addHelpText(
      'after',
      `
With --endpoint the export runs on the API, which writes the file in its data folder or bucket.
Without --wait or --out the command prints the job id and returns: \`orca job ID --endpoint URL\`
follows it, \`orca job download ID --endpoint URL\` fetches its file once it has finished. A local
file is never overwritten without --force.`,
    )
    .action(async (table: string | undefined, opts: RemoteExportOptions & { data?: string; catalog?: string }) => {
      const endpoint = remoteEndpoint(opts);
      if (endpoint === undefined) return (await import('./actions/export.js')).runExport(table, opts);
      return (await import('./actions/export-remote.js')).runRemoteExport(table, { ...opts, endpoint });
    });
}
