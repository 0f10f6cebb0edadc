import type { Command } from 'commander';
import { OrcaServer } from '../../runtime/server.js';
import { loadCatalogFor } from '../load.js';
import { color } from '../output.js';
import { dataPath } from '../paths.js';
import { CliError } from '../output.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--port takes a port number, got '${value}'`, 2);
  return n;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the orca HTTP API on the local stack: campaigns, publishing, runs, schedules (Ctrl-C stops)')
    .option('--port <n>', 'port (0: any free port)', port, 7777)
    .option(
      '--host <host>',
      'address to listen on (loopback by default; the local API has no authentication)',
      '127.0.0.1',
    )
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--catalog <file>', 'data catalog')
    .option('--quiet', 'do not log requests')
    .action(async (opts: { port: number; host: string; data?: string; catalog?: string; quiet?: boolean }) => {
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
    });
}
