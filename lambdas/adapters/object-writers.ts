/**
 * Writers of whole objects under the data root, for callers that only `put` (the cloud's events
 * entry). They are the full ObjectStores (fs-objects.ts, s3-object-store.ts): new code uses those.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectWriter } from '../orchestrator/optouts.js';
import { FsObjectStore } from './fs-objects.js';
import { S3ObjectStore } from './s3-object-store.js';

/** The data folder. */
export function folderWriter(root: string): ObjectWriter {
  return new FsObjectStore(root);
}

/** The data bucket (keys are the bucket's keys). */
export function s3Writer(s3: S3Client, bucket: string): ObjectWriter {
  return new S3ObjectStore(s3, bucket);
}
