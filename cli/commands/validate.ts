import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function validateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'check a campaign file against the catalog: exit 0 when valid (warnings allowed), 1 with errors, 2 when unreadable',
    )
    .argument('<file>', 'campaign file (.yaml, .yml or .json)')
    .option('--catalog <file>', 'data catalog (default: $ORCA_CATALOG, ./catalog.yaml, or the sample catalog)')
    .option('--json', 'print {"valid", "errors", "warnings"} as JSON')
    .action(lazy(async () => (await import('./actions/validate.js')).validate));
}
