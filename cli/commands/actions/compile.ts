import { writeFileSync } from 'node:fs';
import { compileFile, loadCatalogFor } from '../../load.js';
import type { CompileCommandOptions } from '../options.js';

export function compile(file: string, opts: CompileCommandOptions): void {
  const c = compileFile(file, loadCatalogFor(opts.catalog));
  if (!c) {
    process.exitCode = 1;
    return;
  }
  const json = `${JSON.stringify(c.compiled.definition, null, 2)}\n`;
  if (opts.out) writeFileSync(opts.out, json);
  else process.stdout.write(json);
}
