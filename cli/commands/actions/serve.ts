import { createServer } from 'node:net';
import { OrcaServer } from '../../../runtime/server.js';
import { smtpUrlFromEnv } from '../../../runtime/local-channels.js';
import { findConsole } from '../../../runtime/console-files.js';
import { loadCatalogFor } from '../../load.js';
import { CliError, color, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { lockDataFolder } from '../../data-lock.js';
import type { ServeCommandOptions } from '../options.js';

/** Refuses a port another process listens on, before the data folder is opened. */
export async function checkPort(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          e.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use (another orca serve?); choose another with --port, or --port 0 for any free port`
            : `cannot listen on ${host}:${port}: ${e.code ?? e.message}`,
          2,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export async function serve(opts: ServeCommandOptions): Promise<void> {
  const dataRoot = dataPath(opts.data);
  const catalog = loadCatalogFor(opts.catalog);
  await checkPort(opts.port, opts.host);
  const lock = lockDataFolder(dataRoot, 'orca serve');
  let server: OrcaServer;
  try {
    server = await OrcaServer.start({
      dataRoot,
      catalog,
      port: opts.port,
      host: opts.host,
      ...(opts.uploadLimit ? { uploadLimit: Math.round(opts.uploadLimit * 1024 * 1024) } : {}),
      ...((opts.smtp ?? smtpUrlFromEnv()) ? { smtpUrl: opts.smtp ?? smtpUrlFromEnv() } : {}),
      // The links its runs sign lead to it (its public routes verify them).
      ...(opts.port
        ? { publicUrl: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}` }
        : {}),
      log: (l) => !opts.quiet && console.log(color.dim(terminalText(`${new Date().toISOString()} ${l}`))),
    });
  } catch (e) {
    lock.release();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`port ${opts.port} on ${opts.host} is in use; choose another with --port`, 2);
    throw e;
  }
  lock.setUrl(server.url);
  console.log(
    `${color.green('✓')} orca API on ${server.url} (data ${dataRoot}); OpenAPI at ${server.url}/openapi.json`,
  );
  console.log(
    findConsole()
      ? `${color.green('✓')} console at ${server.url}/`
      : `  the web console is not built (npm run build:console); the API answers without it`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('stopping…');
  try {
    await server.close();
  } finally {
    lock.release();
  }
}
