/**
 * globalSetup of the process tier: builds the web console (console/ to dist/console) when its
 * build is missing or older than its sources, so that the browser test serves what the sources
 * say. `npm ci` (prepare) and `npm run build` build it anyway; then this is a stat of the sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((e) => newest(join(path, e))));
}

export default async function buildConsole(): Promise<void> {
  const built = join(ROOT, 'dist/console/index.html');
  const sources = Math.max(newest(join(ROOT, 'console')), newest(join(ROOT, 'schemas/campaign.schema.json')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'console/vite.config.ts'), logLevel: 'warn' });
  console.log(`process tier: the web console built to dist/console in ${Math.round(performance.now() - started)} ms`);
}
