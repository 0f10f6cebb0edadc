import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compileCampaign, CompileError } from '../../statemachines/compile.js';
import { loadCatalogFor, validateFile } from '../load.js';
import { CliError, printFindings } from '../output.js';

export function compileCommand(program: Command): void {
  program
    .command('compile')
    .description('print the Amazon States Language state machine of a campaign (the same definition runs locally and on AWS)')
    .argument('<file>', 'campaign file')
    .option('--catalog <file>', 'data catalog')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((file: string, opts: { catalog?: string; out?: string }) => {
      const result = validateFile(file, loadCatalogFor(opts.catalog));
      if (!result.valid || !result.analysis) {
        printFindings(file, result.errors, result.warnings);
        process.exitCode = 1;
        return;
      }
      try {
        const json = `${JSON.stringify(compileCampaign(result.analysis).definition, null, 2)}\n`;
        if (opts.out) writeFileSync(opts.out, json);
        else process.stdout.write(json);
      } catch (e) {
        if (e instanceof CompileError) throw new CliError(`${file}: ${e.message}`, 1);
        throw e;
      }
    });
}
