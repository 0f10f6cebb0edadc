/**
 * Where a file for an import job is sent: the API hands out a ticket (a URL to PUT the bytes to,
 * the headers to send, until when), and the job then names the ticket's `file`. Locally the URL is
 * the server's own streaming upload route; in the cloud, a presigned S3 PUT in the data bucket.
 * Either way the file is `uploads/<id>/<name>`, relative to the data folder (the data bucket).
 */
export interface UploadRequest {
  /** The file's name, already made safe (lambdas/util/upload-name.ts). */
  name: string;
  /** Its size in bytes (the upload must send exactly this many). */
  size: number;
  contentType: string;
}

export interface UploadTicket {
  /** What an import job's source.file names. */
  file: string;
  method: 'PUT';
  /** Absolute (S3) or relative to the API's base URL (the local server). */
  url: string;
  /** Headers the PUT must send as they are (signed in the cloud). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface Uploads {
  /** The largest file accepted (bytes). */
  readonly maxBytes: number;
  prepare(request: UploadRequest): Promise<UploadTicket>;
}

/** Where uploads go under the data folder or bucket (the API function may PutObject under it). */
export const UPLOAD_PREFIX = 'uploads/';

/** How long a ticket is valid (seconds). */
export const UPLOAD_EXPIRY_SECONDS = 15 * 60;

/** The default limit of an upload: 1 GB. */
export const DEFAULT_UPLOAD_LIMIT = 1024 ** 3;
