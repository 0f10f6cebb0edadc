import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function schemaCommand(program: Command): void {
  program
    .command('schema')
    .description(
      'print the JSON Schema of campaign files (for editor completion; also in schemas/campaign.schema.json)',
    )
    .action(lazy(async () => (await import('./actions/schema.js')).schema));
}
