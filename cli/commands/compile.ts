import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function compileCommand(program: Command): void {
  program
    .command('compile')
    .description(
      'print the Amazon States Language state machine of a campaign (the same definition runs locally and on AWS)',
    )
    .argument('<file>', 'campaign file')
    .option('--catalog <file>', 'data catalog')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(lazy(async () => (await import('./actions/compile.js')).compile));
}
