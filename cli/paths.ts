/** Where orca finds its own files, the catalog and the data folder. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of orca's package.json (works from dist/ and from the TypeScript sources). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'orca') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the orca package folder');
    dir = up;
  }
}

export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

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
