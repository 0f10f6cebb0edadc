/**
 * The cloud's export engine: the import engine's Athena statements, folders and cancels
 * (athena-import-engine.ts), and the finish stage's publication of what UNLOAD wrote. "Amazon Athena
 * User Guide — UNLOAD": the TO location must hold no data (the write stage empties the job's work
 * prefix first); the results are written to several files in parallel, each in the SELECT's order
 * but not ordered between them; no header line; the metadata and manifest files go to the query
 * results location, not the TO prefix, so every object under the work prefix is data.
 *
 * - CSV (TEXTFILE): the objects are streamed one after the other, each gunzipped when it is gzip
 *   (its first bytes 1f 8b, RFC 1952: UNLOAD compresses text output unless told otherwise), the
 *   header first, into one multipart upload at `out` (CompleteMultipartUpload makes it appear in one
 *   step); memory stays at one upload part.
 * - Parquet: files cannot be concatenated; one file is copied to `out` (CopyObject), several to
 *   `out/part-00000.parquet`, … (a folder any Parquet reader takes as one data set).
 */
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { checkedLocation } from '../layout.js';
import type { ExportEngine } from '../ports/imports.js';
import { AthenaImportEngine } from './athena-import-engine.js';

/** RFC 1952 — GZIP file format: ID1 = 0x1f, ID2 = 0x8b. */
const GZIP_MAGIC = [0x1f, 0x8b];

export class AthenaExportEngine extends AthenaImportEngine implements ExportEngine {
  private get s3() {
    return this.o.s3;
  }

  private get bucket() {
    return this.o.bucket;
  }

  /** "Apache Parquet — File Format": a Parquet file begins with the magic number PAR1. */
  private async isParquet(key: string): Promise<boolean> {
    const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: 'bytes=0-3' }));
    return Buffer.from(await r.Body!.transformToByteArray()).toString('latin1') === 'PAR1';
  }

  /** The keys UNLOAD wrote under a work prefix, in key order. */
  private async written(work: string): Promise<Array<{ key: string; size: number }>> {
    const prefix = `${checkedLocation(work).replace(/^\/+|\/+$/g, '')}/`;
    const out: Array<{ key: string; size: number }> = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async publish(work: string, out: string, header?: string): Promise<number> {
    const target = checkedLocation(out, 'out').replace(/^\/+|\/+$/g, '');
    const parts = await this.written(work);
    const data = parts.filter((p) => p.size > 0);
    if (data[0] && (await this.isParquet(data[0].key))) return this.copyParquet(data, target);
    let bytes = 0;
    const self = this;
    async function* text(): AsyncGenerator<string> {
      if (header) {
        bytes += Buffer.byteLength(header);
        yield header;
      }
      for (const p of data) {
        const decoder = new TextDecoder('utf-8', { fatal: true });
        let last = 10;
        for await (const chunk of await self.body(p.key)) {
          const b = chunk as Buffer;
          if (!b.length) continue;
          bytes += b.length;
          last = b[b.length - 1]!;
          yield decoder.decode(b, { stream: true });
        }
        const rest = decoder.decode();
        if (rest) yield rest;
        // Each file's last line ends the line before the next file's first.
        if (last !== 10) {
          bytes += 1;
          yield '\n';
        }
      }
    }
    await this.engine.upload(target, text(), 'text/csv; charset=utf-8');
    return bytes;
  }

  /** An object's bytes, gunzipped when it is gzip. */
  private async body(key: string): Promise<AsyncIterable<unknown>> {
    const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const stream = r.Body as Readable;
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) return (async function* () {})();
    const head = first.value as Buffer;
    async function* rest() {
      yield head;
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value as Buffer;
    }
    if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) return rest();
    const gunzip = createGunzip();
    (async () => {
      try {
        for await (const c of rest()) if (!gunzip.write(c)) await new Promise((ok) => gunzip.once('drain', ok));
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    return gunzip;
  }

  private async copyParquet(parts: Array<{ key: string; size: number }>, target: string): Promise<number> {
    const files = parts;
    const keys =
      files.length === 1 ? [target] : files.map((_, i) => `${target}/part-${String(i).padStart(5, '0')}.parquet`);
    for (const [i, p] of files.entries())
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: keys[i]!,
          CopySource: `${this.bucket}/${p.key.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    return files.reduce((n, p) => n + p.size, 0);
  }
}
