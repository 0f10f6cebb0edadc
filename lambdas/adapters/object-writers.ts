/**
 * Writing whole objects under the data root, all that the public routes and the events function
 * need of the ObjectStore port (`put`): a folder locally, the data bucket in the cloud. Keys are
 * relative to the root; one that is absolute or climbs out of it (`..`) is refused.
 *
 * To be replaced by the sender's ObjectStore adapters (fs-objects.ts, s3-object-store.ts) when
 * they land: both are ObjectWriters.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectWriter } from '../orchestrator/optouts.js';

function checkKey(key: string): void {
  if (!key || key.startsWith('/') || key.includes('\\') || key.split('/').some((p) => p === '..' || p === ''))
    throw new Error(`'${key.slice(0, 200)}' is not a key under the data root`);
}

/** A folder: each object written to a temporary file first, then renamed (a reader never sees half of it). */
export function folderWriter(root: string): ObjectWriter {
  const base = resolve(root);
  return {
    async put(key, body) {
      checkKey(key);
      const path = join(base, key);
      if (!path.startsWith(base + sep)) throw new Error(`'${key.slice(0, 200)}' is not a key under the data root`);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, path);
    },
  };
}

/** The data bucket (keys are the bucket's keys). */
export function s3Writer(s3: S3Client, bucket: string): ObjectWriter {
  return {
    async put(key, body, contentType) {
      checkKey(key);
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ...(contentType ? { ContentType: contentType } : {}),
        }),
      );
    },
  };
}
