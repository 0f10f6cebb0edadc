import type { Command } from 'commander';
import { lazy } from './lazy.js';

/** orca export TABLE | --audience NAME --format csv|parquet [--out PATH]. */
export function exportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export a catalog table (its current version) or a saved audience as CSV or Parquet, as a job (see orca jobs, orca job ID)',
    )
    .argument('[table]', 'the catalog table')
    .option('--audience <name>', 'a saved audience instead of a table')
    .option('--format <format>', 'csv or parquet', 'csv')
    .option('--out <path>', 'the file, under the data folder (default: exports/<name>-<job>.<format>)')
    .option('--columns <list>', 'the columns to write, comma-separated (default: all)')
    .option('--delimiter <char>', 'CSV: the field separator', ',')
    .option('--no-header', 'CSV: no first line naming the columns')
    .option('--catalog <file>', 'data catalog')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print JSON')
    .action(lazy(async () => (await import('./actions/export.js')).runExport));
}
