/**
 * Whether `orca import` and `orca export` run locally or on an orca API: --endpoint, or
 * $ORCA_ENDPOINT unless --data or --catalog is given (those are the local run's, refused with
 * --endpoint). A cheap module: the commands decide before loading either side.
 */
import { CliError } from './output.js';

export function remoteEndpoint(opts: { endpoint?: string; data?: string; catalog?: string }): string | undefined {
  if (opts.endpoint === undefined)
    return opts.data || opts.catalog ? undefined : process.env.ORCA_ENDPOINT || undefined;
  if (opts.data !== undefined || opts.catalog !== undefined)
    throw new CliError(
      `--endpoint runs the job on that API, with its own data and catalog: drop --${opts.data !== undefined ? 'data' : 'catalog'}`,
      2,
    );
  return opts.endpoint;
}
