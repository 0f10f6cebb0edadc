import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../../output.js';
import { compileFile, loadCatalogFor } from '../../load.js';
import type { CompileCommandOptions } from '../options.js';

export function compile(file: string, opts: CompileCommandOptions): void {
  const c = compileFile(file, loadCatalogFor(opts.catalog));
  if (!c) {
    process.exitCode = 1;
    return;
  }
  const json = `${JSON.stringify(c.compiled.definition, null, 2)}\n`;
  if (opts.out) {
    const folder = dirname(resolve(opts.out));
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new CliError(`cannot write ${opts.out}: the folder ${folder} does not exist`, 2);
    try {
      writeFileSync(opts.out, json);
    } catch (e) {
      throw new CliError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
  } else process.stdout.write(json);
}
