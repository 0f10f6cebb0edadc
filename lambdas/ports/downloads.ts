/**
 * How a finished export's file is fetched: the API hands out a ticket (a URL to GET until when),
 * like the upload tickets (uploads.ts). Locally the URL is the server's own streaming download route;
 * in the cloud, a presigned S3 GET in the data bucket (a Lambda's response is at most 6 MB, so the
 * API never answers the bytes itself).
 */
export interface DownloadTicket {
  /** The file, relative to the data folder (the data bucket). */
  file: string;
  method: 'GET';
  /** Absolute (S3) or relative to the API's base URL (the local server). */
  url: string;
  expiresAt: string;
}

export interface Downloads {
  /** A ticket for `file` (relative to the data folder), saved as `name` by a browser. */
  prepare(file: string, name: string): Promise<DownloadTicket>;
}

/** How long a download ticket is valid (seconds). */
export const DOWNLOAD_EXPIRY_SECONDS = 15 * 60;

/** Where export files are written (the API function may presign a GetObject under it). */
export const EXPORT_PREFIX = 'exports/';
