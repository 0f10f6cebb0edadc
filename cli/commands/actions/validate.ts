import { loadCatalogFor, validateFile } from '../../load.js';
import { jsonText, printFindings } from '../../output.js';
import type { ValidateCommandOptions } from '../options.js';

export function validate(file: string, opts: ValidateCommandOptions): void {
  const result = validateFile(file, loadCatalogFor(opts.catalog));
  if (opts.json) console.log(jsonText({ valid: result.valid, errors: result.errors, warnings: result.warnings }));
  else printFindings(file, result.errors, result.warnings);
  process.exitCode = result.valid ? 0 : 1;
}
