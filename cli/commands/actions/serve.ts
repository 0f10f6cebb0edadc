import { OrcaServer } from '../../../runtime/server.js';
import { loadCatalogFor } from '../../load.js';
import { color } from '../../output.js';
import { dataPath } from '../../paths.js';
import type { ServeCommandOptions } from '../options.js';

export async function serve(opts: ServeCommandOptions): Promise<void> {
  const server = await OrcaServer.start({
    dataRoot: dataPath(opts.data),
    catalog: loadCatalogFor(opts.catalog),
    port: opts.port,
    host: opts.host,
    log: (l) => !opts.quiet && console.log(color.dim(`${new Date().toISOString()} ${l}`)),
  });
  console.log(
    `${color.green('✓')} orca API on ${server.url} (data ${dataPath(opts.data)}); OpenAPI at ${server.url}/openapi.json`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('stopping…');
  await server.close();
}
