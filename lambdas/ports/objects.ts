/**
 * Objects under the data root (the data bucket in the cloud, the data folder locally): what the
 * chunk senders read (a chunk's Parquet files, with range reads) and what they and the public
 * routes write (the message log, opt-outs). Keys are relative to the root (`work/...`), never
 * absolute, never with `..`.
 */
export interface ObjectInfo {
  key: string;
  size: number;
}

/** A file read by ranges (hyparquet's AsyncBuffer). */
export interface RangeReader {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

export interface ObjectStore {
  /** Objects under a prefix, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  open(key: string): Promise<RangeReader>;
  /** Writes a whole object (replacing it). */
  put(key: string, body: string | Uint8Array, contentType?: string): Promise<void>;
}
