import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compileFile, loadCatalogFor } from '../load.js';

export function compileCommand(program: Command): void {
  program
    .command('compile')
    .description(
      'print the Amazon States Language state machine of a campaign (the same definition runs locally and on AWS)',
    )
    .argument('<file>', 'campaign file')
    .option('--catalog <file>', 'data catalog')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((file: string, opts: { catalog?: string; out?: string }) => {
      const c = compileFile(file, loadCatalogFor(opts.catalog));
      if (!c) {
        process.exitCode = 1;
        return;
      }
      const json = `${JSON.stringify(c.compiled.definition, null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, json);
      else process.stdout.write(json);
    });
}
