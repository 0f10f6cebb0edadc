/** Loading a campaign file and the catalog for a command, with errors worded for the CLI. */
import { CatalogError, loadCatalog, type Catalog } from '../lambdas/catalog/catalog.js';
import { UnreadableFileError } from '../lambdas/util/files.js';
import { readCampaign } from './documents.js';
import {
  validateCampaign,
  type Analysis,
  type ValidateOptions,
  type ValidationResult,
} from '../statemachines/validate.js';
import { compileCampaign, CompileError, type Compiled } from '../statemachines/compile.js';
import { catalogPath } from './paths.js';
import { CliError, printFindings } from './output.js';

export function loadCatalogFor(option?: string): Catalog {
  const file = catalogPath(option);
  try {
    return loadCatalog(file);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new CliError(`catalog ${e.message}`, 2);
    if (e instanceof CatalogError)
      throw new CliError(
        `catalog ${file} is not valid:\n${e.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
        2,
      );
    throw e;
  }
}

export function validateFile(file: string, catalog: Catalog, options?: ValidateOptions): ValidationResult {
  return validateCampaign(readCampaign(file), catalog, options);
}

/**
 * Validates and compiles a campaign file. An invalid one is reported (the findings, or `onInvalid`)
 * and gives undefined: the command then exits 1.
 */
export function compileFile(
  file: string,
  catalog: Catalog,
  options: ValidateOptions = {},
  onInvalid?: (r: ValidationResult) => void,
): { analysis: Analysis; compiled: Compiled } | undefined {
  const result = validateFile(file, catalog, options);
  if (!result.valid || !result.analysis) {
    (onInvalid ?? ((r) => printFindings(file, r.errors, r.warnings)))(result);
    return undefined;
  }
  try {
    return { analysis: result.analysis, compiled: compileCampaign(result.analysis) };
  } catch (e) {
    if (e instanceof CompileError) throw new CliError(`${file}: ${e.message}`, 1);
    throw e;
  }
}
