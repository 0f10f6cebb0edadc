/**
 * The ObjectStore of the cloud: the data bucket. Lists with ListObjectsV2 (every page), reads by
 * ranges with GetObject `Range: bytes=first-last` (RFC 9110 §14.1.2: both positions inclusive),
 * writes with PutObject. Keys are checked as locations (layout.ts checkedLocation) like the data folder's.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { checkedLocation } from '../layout.js';
import type { ObjectInfo, ObjectStore, RangeReader } from '../ports/objects.js';

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async list(prefix: string): Promise<ObjectInfo[]> {
    if (prefix !== '') checkedLocation(prefix, 'an object prefix');
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async open(key: string): Promise<RangeReader> {
    checkedLocation(key, 'an object key');
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    const byteLength = head.ContentLength ?? 0;
    const { s3, bucket } = this;
    return {
      byteLength,
      async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
        const last = Math.min(end, byteLength) - 1;
        if (last < start) return new ArrayBuffer(0);
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${last}` }));
        const bytes = await r.Body!.transformToByteArray();
        // A fresh buffer of exactly these bytes (the SDK's may be a view of a larger one).
        return bytes.slice().buffer;
      },
    };
  }

  async put(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    checkedLocation(key, 'an object key');
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
  }
}
