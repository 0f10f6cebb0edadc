/**
 * `orca import JOB --endpoint URL`: an import job run by an orca API (a deployed stack, or `orca
 * serve`). The file to load is uploaded first when it is on this machine (a ticket from POST
 * /uploads, the bytes streamed to its URL), then POST /jobs starts the job with source.file naming
 * the upload; --wait follows it to its end.
 */
import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { jobNameOf } from '../../../lambdas/imports/job.js';
import { readDocument, UnreadableFileError } from '../../../lambdas/util/files.js';
import { ApiClient, endpointOf } from '../../api-client.js';
import { ByteProgress } from '../../byte-progress.js';
import { followJob, type JobView } from '../../job-follow.js';
import { CliError, jsonText, terminalText } from '../../output.js';
import { type UploadTicket, uploadFile } from '../../transfer.js';

export interface RemoteImportOptions {
  endpoint?: string;
  file?: string;
  remoteFile?: string;
  wait?: boolean;
  json?: boolean;
}

/** The Content-Type of an upload, from its extension (what S3 keeps with the object). */
const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.json': 'application/json',
  '.parquet': 'application/vnd.apache.parquet',
  '.gz': 'application/gzip',
};
export const contentTypeOf = (file: string) => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** A regular file on this machine, or undefined. */
function localFile(path: string): { size: number } | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? { size: s.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the job reads: a local file to upload, or a path the API's side already has. The rule:
 * --remote-file is never uploaded; --file must be a file here and is uploaded; else the job's
 * source.file is uploaded when it names a file here (from the current directory), and is sent as
 * it is otherwise (a path in the API's data folder or bucket, uploads/… for an earlier upload).
 */
function sourceOf(
  given: unknown,
  opts: RemoteImportOptions,
): { upload: string; size: number } | { remote: string | undefined } {
  if (opts.file !== undefined && opts.remoteFile !== undefined)
    throw new CliError('pass --file (a file here, uploaded) or --remote-file (already on the server), not both', 2);
  if (opts.remoteFile !== undefined) return { remote: opts.remoteFile };
  if (opts.file !== undefined) {
    const f = localFile(opts.file);
    if (!f) throw new CliError(`--file: ${opts.file} is not a file on this machine`, 2);
    return { upload: opts.file, size: f.size };
  }
  if (typeof given !== 'string') return { remote: undefined };
  const f = localFile(given);
  return f ? { upload: given, size: f.size } : { remote: given };
}

export async function runRemoteImport(jobFile: string, opts: RemoteImportOptions): Promise<void> {
  let doc: unknown;
  try {
    doc = readDocument(jobFile);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new CliError(e.message, 2);
    throw e;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new CliError(`${jobFile}: an import job is a mapping (table, source, columns...)`, 2);
  const job: Record<string, unknown> = { name: jobNameOf(jobFile), ...(doc as Record<string, unknown>) };
  const source = job.source && typeof job.source === 'object' ? (job.source as Record<string, unknown>) : undefined;
  const what = sourceOf(source?.file, opts);
  const { url: endpoint } = endpointOf(opts.endpoint);
  const api = new ApiClient(endpoint);
  // What the server answers is printed through terminalText; the progress line's own escapes are not.
  const raw = (s: string) => {
    if (!opts.json) process.stderr.write(s);
  };
  const say = (s: string) => raw(terminalText(s));

  let file: string | undefined;
  if ('upload' in what) {
    const name = basename(what.upload);
    if (what.size === 0) throw new CliError(`${what.upload} is empty: there is nothing to import`, 1);
    // The definition is checked before the file is sent (by a server without the route: at the start).
    const check = { ...job, source: { ...source, file: `uploads/${name}` } };
    const checked = await api.call('POST', '/jobs/check', check);
    if (checked.status !== 404) api.answer(checked);
    let ticket: UploadTicket;
    try {
      ticket = await api.ok<UploadTicket>('POST', '/uploads', {
        name,
        size: what.size,
        contentType: contentTypeOf(name),
      });
    } catch (e) {
      if (e instanceof CliError && e.code === 1) throw new CliError(`cannot upload ${what.upload}: ${e.message}`, 1);
      throw e;
    }
    await uploadFile(
      api,
      ticket,
      what.upload,
      what.size,
      new ByteProgress({
        label: terminalText(`uploading ${name}`, true),
        done: terminalText(`uploaded ${name} to ${ticket.file}`, true),
        total: what.size,
        tty: Boolean(process.stderr.isTTY) && !opts.json,
        write: raw,
      }),
    );
    file = ticket.file;
  } else {
    file = what.remote;
    if (file !== undefined && opts.remoteFile === undefined)
      say(`${file} is not a file here: the server reads it from its data folder (bucket)\n`);
  }
  const body = file === undefined ? job : { ...job, source: { ...source, file } };

  const started = await api.ok<JobView>('POST', '/jobs', body);
  const follow = `orca job ${started.id} --endpoint ${endpoint}`;
  if (!opts.wait) {
    if (opts.json) return void console.log(jsonText(started));
    console.log(
      terminalText(`job ${started.id}: ${started.status}, ${started.operation} ${started.file} into ${started.table}`),
    );
    console.log(terminalText(`  follow it: ${follow} (or run this with --wait)`));
    return;
  }
  say(`job ${started.id}: ${started.operation} ${started.file} into ${started.table}\n`);
  const done = await followJob(api, started.id, {
    endpoint,
    ...(opts.json ? {} : { print: (l: string) => say(`${l}\n`) }),
  });
  if (opts.json) console.log(jsonText(done));
  else {
    console.log(
      terminalText(
        `job ${done.id}: ${done.status}${done.versionAfter !== undefined ? `, ${done.table} at version ${done.versionAfter}` : ''}`,
      ),
    );
    if (done.error) console.log(`  ${terminalText(done.error)}`);
    if (done.counts.rejected) console.log(terminalText(`  rejects: orca rejects ${done.id} --endpoint ${endpoint}`));
  }
  if (done.status !== 'finished') process.exitCode = 1;
}
