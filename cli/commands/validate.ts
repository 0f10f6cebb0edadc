import type { Command } from 'commander';
import { loadCatalogFor, validateFile } from '../load.js';
import { printFindings } from '../output.js';

export function validateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'check a campaign file against the catalog: exit 0 when valid (warnings allowed), 1 with errors, 2 when unreadable',
    )
    .argument('<file>', 'campaign file (.yaml, .yml or .json)')
    .option('--catalog <file>', 'data catalog (default: $ORCA_CATALOG, ./catalog.yaml, or the sample catalog)')
    .option('--json', 'print {"valid", "errors", "warnings"} as JSON')
    .action((file: string, opts: { catalog?: string; json?: boolean }) => {
      const result = validateFile(file, loadCatalogFor(opts.catalog));
      if (opts.json)
        console.log(JSON.stringify({ valid: result.valid, errors: result.errors, warnings: result.warnings }, null, 2));
      else printFindings(file, result.errors, result.warnings);
      process.exitCode = result.valid ? 0 : 1;
    });
}
