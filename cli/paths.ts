/** Where orca finds its own files, the catalog and the data folder. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../lambdas/util/package.js';

export { packageRoot, version } from '../lambdas/util/package.js';

/** --catalog, else $ORCA_CATALOG, else ./catalog.yaml, else the sample catalog. */
export function catalogPath(option?: string): string {
  if (option) return resolve(option);
  if (process.env.ORCA_CATALOG) return resolve(process.env.ORCA_CATALOG);
  if (existsSync('catalog.yaml')) return resolve('catalog.yaml');
  return join(packageRoot(), 'examples', 'catalog.yaml');
}

/** --data, else $ORCA_DATA, else ./.orca */
export function dataPath(option?: string): string {
  return resolve(option ?? process.env.ORCA_DATA ?? '.orca');
}
