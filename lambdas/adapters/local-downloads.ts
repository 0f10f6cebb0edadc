/**
 * Downloads in the embedded runtime: a ticket names `/downloads/<id>/<name>` on the local server,
 * which streams the file from the data folder (never held whole in memory). A ticket is good for
 * DOWNLOAD_EXPIRY_SECONDS and any number of GETs (a browser may retry); an unknown or expired one is
 * a 404. The file's real path (links resolved) must be inside the data folder.
 */
import { randomBytes } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { DOWNLOAD_EXPIRY_SECONDS, type Downloads, type DownloadTicket } from '../ports/downloads.js';
import { checkedLocation } from '../layout.js';
import { attachment, safeUploadName } from '../util/upload-name.js';

/** The path of the local download route: /downloads/<id>/<name>. */
export const LOCAL_DOWNLOAD_PATH = /^\/downloads\/([a-f0-9]{32})\/([^/]+)$/;

interface Pending {
  file: string;
  name: string;
  expires: number;
}

/** What the route sends: the file's absolute path, its size and the response's headers. */
export interface LocalDownload {
  path: string;
  size: number;
  headers: Record<string, string>;
}

const TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export class LocalDownloads implements Downloads {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly dataRoot: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async prepare(file: string, name: string): Promise<DownloadTicket> {
    checkedLocation(file, 'the file');
    const id = randomBytes(16).toString('hex');
    const safe = safeUploadName(name) ?? 'download';
    const expires = this.clock() + DOWNLOAD_EXPIRY_SECONDS * 1000;
    for (const [k, p] of this.pending) if (p.expires < this.clock()) this.pending.delete(k);
    this.pending.set(id, { file, name: safe, expires });
    return { file, method: 'GET', url: `/downloads/${id}/${safe}`, expiresAt: new Date(expires).toISOString() };
  }

  /** The file of a ticket, or undefined when the ticket is unknown, expired, or its file is gone. */
  async open(id: string, name: string): Promise<LocalDownload | undefined> {
    const p = this.pending.get(id);
    if (!p || p.name !== name || p.expires < this.clock()) return undefined;
    const [root, path] = await Promise.all([
      realpath(this.dataRoot),
      realpath(join(this.dataRoot, checkedLocation(p.file, 'the file'))).catch(() => undefined),
    ]);
    // A link inside the data folder to a file outside it is not followed.
    if (!path?.startsWith(`${root}${sep}`)) return undefined;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const extension = p.name.split('.').pop() ?? '';
    return {
      path,
      size: info.size,
      headers: {
        'content-type': TYPES[extension] ?? 'application/octet-stream',
        'content-length': String(info.size),
        'content-disposition': attachment(p.name),
      },
    };
  }
}
