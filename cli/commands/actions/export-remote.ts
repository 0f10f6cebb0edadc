/**
 * `orca export (TABLE | --audience NAME) --endpoint URL`: an export job run by an orca API (POST
 * /exports). With --wait or --out it is followed to its end, then its file fetched with a download
 * ticket (GET /jobs/{id}/download: a presigned S3 GET, or the local server's own route) and
 * streamed to a local file. `orca job download ID` fetches the file of an export that ended before.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { ApiClient, endpointOf } from '../../api-client.js';
import { ByteProgress } from '../../byte-progress.js';
import { followJob, jobPath, type JobView } from '../../job-follow.js';
import { CliError, jsonText, terminalText } from '../../output.js';
import { type DownloadTicket, downloadFile, overwriteRefused } from '../../transfer.js';

export interface RemoteExportOptions {
  endpoint?: string;
  audience?: string;
  format: string;
  columns?: string;
  delimiter: string;
  header: boolean;
  out?: string;
  wait?: boolean;
  force?: boolean;
  json?: boolean;
}

export interface DownloadOptions {
  endpoint?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

/** stderr, but with --json; what the server answers is printed through terminalText (not the progress line's escapes). */
const raw = (json: boolean | undefined) => (s: string) => {
  if (!json) process.stderr.write(s);
};
const say = (json: boolean | undefined) => (s: string) => raw(json)(terminalText(s));

/** A local file to write: its folder exists, and it does not unless --force. */
function checkOut(out: string, force: boolean | undefined): string {
  const path = resolve(out);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new CliError(`--out: the folder ${folder} does not exist`, 2);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new CliError(`--out: ${out} is a folder; name the file to write`, 2);
    if (!force) throw overwriteRefused(out);
  }
  return path;
}

/** Fetches a finished export's file into `out` (default: its name, in the current directory). */
async function fetchExport(api: ApiClient, job: JobView, opts: DownloadOptions, endpoint: string): Promise<string> {
  const ticket = await api.ok<DownloadTicket>('GET', jobPath(job.id, '/download'));
  const out = checkOut(opts.out ?? basename(ticket.file), opts.force);
  const name = basename(ticket.file);
  await downloadFile(
    api,
    ticket,
    out,
    Boolean(opts.force),
    new ByteProgress({
      label: terminalText(`downloading ${name}`, true),
      done: terminalText(`downloaded ${name} to ${out}`, true),
      total: ticket.bytes,
      tty: Boolean(process.stderr.isTTY) && !opts.json,
      write: raw(opts.json),
    }),
    `run \`orca job download ${job.id} --endpoint ${endpoint}\` for a new one`,
  );
  return out;
}

function printEnded(job: JobView, out: string | undefined, json: boolean | undefined): void {
  if (json) console.log(jsonText(out === undefined ? job : { ...job, downloadedTo: out }));
  else if (job.status === 'finished')
    console.log(
      terminalText(
        `job ${job.id}: finished, ${job.counts.rows ?? 0} rows, ${job.counts.bytes ?? 0} bytes${out ? `: ${out}` : ''}`,
      ),
    );
  else console.log(terminalText(`job ${job.id}: ${job.status}${job.error ? `\n  ${job.error}` : ''}`));
  if (job.status !== 'finished') process.exitCode = 1;
}

export async function runRemoteExport(table: string | undefined, opts: RemoteExportOptions): Promise<void> {
  if ((table === undefined) === (opts.audience === undefined))
    throw new CliError('name a table, or an audience with --audience (one of them)', 2);
  const { url: endpoint } = endpointOf(opts.endpoint);
  const api = new ApiClient(endpoint);
  // An explicit --out is checked before the job starts; the default name is known once it has.
  if (opts.out !== undefined) checkOut(opts.out, opts.force);
  const definition = {
    ...(table !== undefined ? { table } : { audience: opts.audience }),
    format: opts.format,
    ...(opts.format === 'csv' ? { delimiter: opts.delimiter, header: opts.header } : {}),
    ...(opts.columns ? { columns: opts.columns.split(',').map((c) => c.trim()) } : {}),
  };
  const started = await api.ok<JobView>('POST', '/exports', definition);
  const follow = `orca job ${started.id} --endpoint ${endpoint}`;
  if (!opts.wait && opts.out === undefined) {
    if (opts.json) return void console.log(jsonText(started));
    console.log(terminalText(`job ${started.id}: ${started.status}, ${started.table} to ${started.file}`, true));
    console.log(
      terminalText(
        `  follow it: ${follow}; then fetch the file: orca job download ${started.id} --endpoint ${endpoint}`,
      ),
    );
    return;
  }
  if (opts.out === undefined) checkOut(basename(started.file), opts.force);
  const print = say(opts.json);
  print(`job ${started.id}: ${started.table} to ${started.file} (${opts.format.toUpperCase()})\n`);
  const done = await followJob(api, started.id, {
    endpoint,
    ...(opts.json ? {} : { print: (l: string) => print(`${l}\n`) }),
  });
  printEnded(done, done.status === 'finished' ? await fetchExport(api, done, opts, endpoint) : undefined, opts.json);
}

/** `orca job download ID`: the file of an export job that finished (--endpoint and --json are `orca job`'s). */
export async function downloadJob(
  id: string,
  own: DownloadOptions,
  cmd?: { optsWithGlobals(): DownloadOptions & { data?: string } },
): Promise<void> {
  const opts = { ...cmd?.optsWithGlobals(), ...own };
  if (opts.data !== undefined) throw new CliError('orca job download fetches from an orca API: drop --data', 2);
  const { url: endpoint } = endpointOf(opts.endpoint);
  const api = new ApiClient(endpoint);
  const job = await api.ok<JobView>('GET', jobPath(id));
  if (job.kind !== 'export')
    throw new CliError(`job ${id} is an import job: only export jobs have a file to download`, 1);
  if (job.status !== 'finished')
    throw new CliError(
      `job ${id} is ${job.status}: its file can be downloaded once it has finished (\`orca job ${id} --endpoint ${endpoint}\`)`,
      1,
    );
  printEnded(job, await fetchExport(api, job, opts, endpoint), opts.json);
}
