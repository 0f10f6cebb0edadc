/**
 * globalSetup of the process tier: builds what its tests spawn (bin/orca.js loads dist/cli/main.js)
 * once per run, in about a second. esbuild transpiles each TypeScript module that the CLI can
 * import (statically or when a command runs) to dist/, file by file, as `tsc` lays it out; it does
 * not type-check: `npm run typecheck` (and `npm run build`) do that.
 */
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '../..');

export default async function buildCli(): Promise<void> {
  const started = performance.now();
  // The module graph of the CLI, dynamic imports included: bundle it in memory for the list only.
  const graph = await build({
    absWorkingDir: ROOT,
    entryPoints: ['cli/main.ts'],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const sources = Object.keys(graph.metafile.inputs).filter((f) => f.endsWith('.ts') && !f.startsWith('node_modules/'));
  await build({
    absWorkingDir: ROOT,
    entryPoints: sources,
    outdir: 'dist',
    outbase: '.',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'error',
  });
  const ms = Math.round(performance.now() - started);
  console.log(
    `process tier: ${sources.length} modules of the CLI built to ${relative(process.cwd(), join(ROOT, 'dist')) || 'dist'} in ${ms} ms`,
  );
}
