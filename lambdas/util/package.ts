/** orca's own package: where its files are and which version it is (for the CLI, the API and the CDK app). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** The version in orca's package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
