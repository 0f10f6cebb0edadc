/** Loading a campaign file and the catalog for a command, with errors worded for the CLI. */
import { CatalogError, loadCatalog, type Catalog } from '../lambdas/catalog/catalog.js';
import { readDocument, UnreadableFileError } from '../lambdas/util/files.js';
import { validateCampaign, type ValidateOptions, type ValidationResult } from '../statemachines/validate.js';
import { catalogPath } from './paths.js';
import { CliError } from './output.js';

export function loadCatalogFor(option?: string): Catalog {
  const file = catalogPath(option);
  try {
    return loadCatalog(file);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new CliError(`catalog ${e.message}`, 2);
    if (e instanceof CatalogError) throw new CliError(`catalog ${file} is not valid:\n${e.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, 2);
    throw e;
  }
}

export function readCampaign(file: string): unknown {
  try {
    return readDocument(file);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new CliError(e.message, 2);
    throw e;
  }
}

export function validateFile(file: string, catalog: Catalog, options?: ValidateOptions): ValidationResult {
  return validateCampaign(readCampaign(file), catalog, options);
}
