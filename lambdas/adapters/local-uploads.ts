/**
 * Uploads in the embedded runtime: a ticket names `/uploads/<id>/<name>` on the local server, which
 * streams the request body to `<data>/uploads/<id>/<name>` (never held whole in memory), refusing a
 * body longer than the ticket's size or the limit, or a ticket unknown or expired. The file is
 * written under a temporary name and renamed when complete: a job never reads half an upload.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  UPLOAD_EXPIRY_SECONDS,
  UPLOAD_PREFIX,
  type UploadRequest,
  type Uploads,
  type UploadTicket,
} from '../ports/uploads.js';
import { UPLOAD_NAME } from '../util/upload-name.js';

/** Why an upload was refused: the HTTP status to answer and what to say. */
export class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  name: string;
  size: number;
  expires: number;
}

/** The path of the local upload route: /uploads/<id>/<name>. */
export const LOCAL_UPLOAD_PATH = /^\/uploads\/([a-f0-9]{32})\/([^/]+)$/;

export class LocalUploads implements Uploads {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly dataRoot: string,
    readonly maxBytes: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async prepare(r: UploadRequest): Promise<UploadTicket> {
    const id = randomBytes(16).toString('hex');
    const expires = this.clock() + UPLOAD_EXPIRY_SECONDS * 1000;
    this.pending.set(id, { name: r.name, size: r.size, expires });
    for (const [k, p] of this.pending) if (p.expires < this.clock()) this.pending.delete(k);
    return {
      file: `${UPLOAD_PREFIX}${id}/${r.name}`,
      method: 'PUT',
      url: `/${UPLOAD_PREFIX}${id}/${r.name}`,
      headers: { 'content-type': r.contentType },
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /**
   * Streams a body to the ticket's file; `length` is the request's Content-Length when it sent one.
   * Returns the file (relative to the data folder) and its size.
   */
  async receive(
    id: string,
    name: string,
    body: Readable,
    length: number | undefined,
  ): Promise<{ file: string; size: number }> {
    const p = this.pending.get(id);
    if (!p || p.name !== name || !UPLOAD_NAME.test(name) || p.expires < this.clock())
      throw new UploadRefused(404, `no upload ticket for ${name} (or it expired): ask POST /uploads for a new one`);
    if (length !== undefined && length !== p.size)
      throw new UploadRefused(400, `the ticket is for ${p.size} bytes, the request says ${length}`);
    if (length !== undefined && length > this.maxBytes) throw this.tooLarge(length);
    this.pending.delete(id);
    const dir = join(this.dataRoot, UPLOAD_PREFIX, id);
    await mkdir(dir, { recursive: true });
    const part = join(dir, `.${name}.part`);
    let size = 0;
    const limit = Math.min(p.size, this.maxBytes);
    const count = new Transform({
      transform: (chunk: Buffer, _e, done) => {
        size += chunk.length;
        if (size > limit)
          done(
            size > this.maxBytes
              ? this.tooLarge(size)
              : new UploadRefused(400, `more than the ${p.size} bytes of the ticket`),
          );
        else done(null, chunk);
      },
    });
    try {
      // Piped, not given to pipeline: a refusal must not destroy the request, whose socket still
      // carries the answer.
      const source = new PassThrough();
      body.pipe(source);
      await pipeline(source, count, createWriteStream(part, { flags: 'wx' }));
      if (size !== p.size) throw new UploadRefused(400, `the body has ${size} bytes, the ticket ${p.size}`);
      await rename(part, join(dir, name));
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return { file: `${UPLOAD_PREFIX}${id}/${name}`, size };
  }

  private tooLarge(size: number): UploadRefused {
    return new UploadRefused(413, `the file is larger than the upload limit of ${this.maxBytes} bytes (${size} sent)`);
  }
}
