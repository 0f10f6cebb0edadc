/**
 * A file sent to, or fetched from, where an API ticket points (lambdas/ports/uploads.ts): a
 * presigned S3 URL, or the local server's own route (relative to the API's base URL, signed like
 * the API's requests when it is signed). Streamed both ways, never held in memory; the upload sends
 * its Content-Length (S3 refuses chunked PUTs, and the presigned URL signs the length); a download
 * is written to a temporary file beside its destination, renamed when complete.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename, dirname, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DownloadTicket as PortDownloadTicket } from '../lambdas/ports/downloads.js';
import type { UploadTicket } from '../lambdas/ports/uploads.js';
import type { ApiClient } from './api-client.js';
import type { ByteProgress } from './byte-progress.js';
import { CliError, formatTime } from './output.js';

export type { UploadTicket };
/** A download ticket as GET /jobs/{id}/download answers it: the port's, and the file's size. */
export type DownloadTicket = PortDownloadTicket & { bytes?: number };

/** How long a transfer may go without a byte moving before it is given up. */
const IDLE_MS = 60_000;
/** The most of an error answer read (S3's XML errors and the API's JSON are small). */
const ERROR_BODY_BYTES = 64 * 1024;

/** What an error answer says: the API's JSON `message`, or S3's XML `<Code>` and `<Message>`. */
export function refusalOf(body: string): { code?: string; message?: string } {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    return {
      ...(typeof json.error === 'string' ? { code: json.error } : {}),
      ...(typeof json.message === 'string' ? { message: json.message } : {}),
    };
  } catch {
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
    return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
  }
}

/**
 * A ticket's URL no longer valid: S3 answers a presigned request after its expiry with 403
 * AccessDenied "Request has expired" (Amazon S3 User Guide, "Sharing objects with presigned
 * URLs"); the local server answers 404 for a ticket it no longer holds (expired, or restarted).
 */
const isExpired = (status: number, r: { message?: string }) =>
  (status === 403 && /expired/i.test(r.message ?? '')) || (status === 404 && /ticket/i.test(r.message ?? ''));

function send(url: URL, method: string, headers: Record<string, string>, body?: Readable): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, timeout: IDLE_MS });
    req.on('response', resolve);
    req.on('timeout', () => req.destroy(new Error(`nothing moved for ${IDLE_MS / 1000} s`)));
    req.on('error', reject);
    // A failed body (the file unreadable, the server answering early and closing) ends the request:
    // the answer, or the request's error, says why.
    if (body) pipeline(body, req).catch(() => {});
    else req.end();
  });
}

async function errorBody(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    if (text.length < ERROR_BODY_BYTES) text += String(chunk);
  }
  return text.slice(0, ERROR_BODY_BYTES);
}

const unreachable = (what: string, url: URL, e: unknown) =>
  new CliError(
    `${what} to ${url.host} failed (${(e as { code?: string }).code ?? (e as Error).message}); check the network and try again`,
    2,
  );

const expired = (kind: 'upload' | 'download', expiresAt: string, again: string) =>
  new CliError(
    `the ${kind} ticket is no longer valid (it expired at ${formatTime(expiresAt, undefined, true)}, or the server restarted): ${again}`,
    1,
  );

/** Counts the bytes that go through, for the progress line. */
const counting = (progress: ByteProgress) =>
  new Transform({
    transform(chunk: Buffer, _e, done) {
      progress.add(chunk.length);
      done(null, chunk);
    },
  });

/** PUTs a local file to an upload ticket's URL, streamed, with exactly `size` bytes. */
export async function uploadFile(
  api: ApiClient,
  ticket: UploadTicket,
  path: string,
  size: number,
  progress: ByteProgress,
): Promise<void> {
  const again = 'run the command again for a new one';
  if (Date.parse(ticket.expiresAt) <= Date.now()) throw expired('upload', ticket.expiresAt, again);
  const url = api.resolve(ticket.url);
  const headers = await api.headersFor(
    'PUT',
    url,
    { ...ticket.headers, 'content-length': String(size) },
    undefined,
    true,
  );
  const name = basename(path);
  let res: IncomingMessage;
  try {
    const file = createReadStream(path);
    const counted = counting(progress);
    file.on('error', (e) => counted.destroy(e));
    res = await send(url, 'PUT', headers, file.pipe(counted));
  } catch (e) {
    progress.clear();
    throw unreachable(`the upload of ${name}`, url, e);
  }
  const status = res.statusCode ?? 0;
  if (status >= 300) {
    progress.clear();
    const r = refusalOf(await errorBody(res));
    if (isExpired(status, r)) throw expired('upload', ticket.expiresAt, again);
    throw new CliError(
      `the upload of ${name} was refused (HTTP ${status}${r.code ? ` ${r.code}` : ''})${r.message ? `: ${r.message}` : ''}`,
      status >= 500 ? 2 : 1,
    );
  }
  res.resume();
  progress.finish();
}

/**
 * GETs a download ticket's file into `out`, through a temporary file beside it; an existing `out`
 * is replaced only with `force`.
 */
export async function downloadFile(
  api: ApiClient,
  ticket: DownloadTicket,
  out: string,
  force: boolean,
  progress: ByteProgress,
  again: string,
): Promise<void> {
  if (Date.parse(ticket.expiresAt) <= Date.now()) throw expired('download', ticket.expiresAt, again);
  const url = api.resolve(ticket.url);
  const headers = await api.headersFor('GET', url, {});
  let res: IncomingMessage;
  try {
    res = await send(url, 'GET', headers);
  } catch (e) {
    throw unreachable(`the download of ${ticket.file}`, url, e);
  }
  const status = res.statusCode ?? 0;
  if (status >= 300) {
    const r = refusalOf(await errorBody(res));
    if (isExpired(status, r)) throw expired('download', ticket.expiresAt, again);
    throw new CliError(
      `the download of ${ticket.file} was refused (HTTP ${status}${r.code ? ` ${r.code}` : ''})${r.message ? `: ${r.message}` : ''}`,
      status >= 500 ? 2 : 1,
    );
  }
  const part = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.part`);
  try {
    try {
      await pipeline(res, counting(progress), createWriteStream(part, { flags: 'wx' }));
    } catch (e) {
      progress.clear();
      throw unreachable(`the download of ${ticket.file}`, url, e);
    }
    const length = Number(res.headers['content-length'] ?? ticket.bytes);
    const got = progress.finish().bytes;
    if (Number.isFinite(length) && got !== length)
      throw new CliError(`the download of ${ticket.file} broke off: ${got} of ${length} bytes; try again`, 2);
    if (!force && existsSync(out)) throw overwriteRefused(out);
    await rename(part, out);
  } finally {
    await rm(part, { force: true });
  }
}

export const overwriteRefused = (out: string) =>
  new CliError(`${out} exists: pass --force to replace it, or --out another file`, 1);
