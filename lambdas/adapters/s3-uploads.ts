/**
 * Uploads in the cloud: a presigned S3 PUT for `uploads/<id>/<name>` in the data bucket, valid for
 * UPLOAD_EXPIRY_SECONDS, whose Content-Length and Content-Type are signed (S3 refuses a PUT with
 * other values: the signature no longer matches). The client is made without the SDK's default
 * request checksum, which a presigned URL would fix to the checksum of an empty body.
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  UPLOAD_EXPIRY_SECONDS,
  UPLOAD_PREFIX,
  type UploadRequest,
  type Uploads,
  type UploadTicket,
} from '../ports/uploads.js';

export class S3Uploads implements Uploads {
  constructor(
    /** A client with requestChecksumCalculation: 'WHEN_REQUIRED'. */
    private readonly s3: S3Client,
    private readonly bucket: string,
    readonly maxBytes: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async prepare(r: UploadRequest): Promise<UploadTicket> {
    const key = `${UPLOAD_PREFIX}${randomBytes(16).toString('hex')}/${r.name}`;
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentLength: r.size, ContentType: r.contentType }),
      { expiresIn: UPLOAD_EXPIRY_SECONDS, signableHeaders: new Set(['content-length', 'content-type']) },
    );
    return {
      file: key,
      method: 'PUT',
      url,
      // Content-Length is sent by the client itself (browsers refuse to set it).
      headers: { 'content-type': r.contentType },
      expiresAt: new Date(this.clock() + UPLOAD_EXPIRY_SECONDS * 1000).toISOString(),
    };
  }
}
