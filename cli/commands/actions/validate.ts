import { CompileError, compileCampaign } from '../../../statemachines/compile.js';
import type { ValidationResult } from '../../../statemachines/validate.js';
import { loadCatalogFor, validateFile } from '../../load.js';
import { jsonText, printFindings } from '../../output.js';
import type { ValidateCommandOptions } from '../options.js';

export function validate(file: string, opts: ValidateCommandOptions): void {
  const result = withCompilation(validateFile(file, loadCatalogFor(opts.catalog)));
  if (opts.json) console.log(jsonText({ valid: result.valid, errors: result.errors, warnings: result.warnings }));
  else printFindings(file, result.errors, result.warnings);
  process.exitCode = result.valid ? 0 : 1;
}

/**
 * A valid campaign is compiled too: what only the compiler knows (a state machine over Step
 * Functions' 1 MB, settings over 256 KB) is an error of `orca validate` as it is of publishing.
 */
function withCompilation(result: ValidationResult): ValidationResult {
  if (!result.valid || !result.analysis) return result;
  try {
    compileCampaign(result.analysis);
    return result;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return { ...result, valid: false, errors: [{ activity: e.activity, path: '', message: e.message }] };
  }
}
