/**
 * The files of each chunk of a finished message table, from a listing of its location (object keys
 * relative to the data root): what the prepared step writes into <location>/manifest.json.
 * - locally (DuckDB PARTITION_BY (orca_output, orca_chunk)): <location>/orca_output=messages/orca_chunk=<i>/<file>.parquet;
 * - in the cloud (Athena CTAS bucketed_by orca_chunk, bucket_count n): <location>/orca_output=messages/<file>, the
 *   bucket number encoded in the file name ("Amazon Athena User Guide — What is bucketing?": "The bucket that a
 *   file belongs to is encoded in the file name"): Hive's and Trino's <bucket>_<...> (leading digits), or bucket-<bucket>.
 */
import { OUTPUT_COLUMN } from '../sql/dialect.js';
import { MESSAGE_COLUMNS, PREPARE_OUTPUTS } from './columns.js';

export interface ChunkManifest {
  /** chunks[i]: the keys of chunk i's files (each read in full by one sender), sorted. */
  chunks: string[][];
}

export const MANIFEST_FILE = 'manifest.json';

const LOCAL = new RegExp(`^${MESSAGE_COLUMNS.chunk}=(\\d+)/[^/]+\\.parquet$`);
/** `bucket-<n>` anywhere in the name first (its name may start with a date), else Hive's leading `<n>_`. */
const BUCKET = /^[^/]*bucket-(\d+)[^/]*$|^(\d+)_[^/]*$/;

/** Chunk i's files; throws on a file of the messages partition that belongs to no chunk 0..chunks-1. */
export function chunkFiles(keys: Iterable<string>, location: string, chunks: number): ChunkManifest {
  const prefix = `${location.replace(/^\/+|\/+$/g, '')}/${OUTPUT_COLUMN}=${PREPARE_OUTPUTS.messages}/`;
  const out: string[][] = Array.from({ length: chunks }, () => []);
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    // Markers some writers leave ($folder$, _SUCCESS, .crc): not data.
    if (/(^|\/)(_|\.)[^/]*$|\$folder\$$/.test(rest)) continue;
    const local = LOCAL.exec(rest);
    const bucket = local ? undefined : BUCKET.exec(rest);
    const digits = local?.[1] ?? bucket?.[1] ?? bucket?.[2];
    const i = digits === undefined ? Number.NaN : Number(digits);
    if (!(i >= 0 && i < chunks)) throw new Error(`'${key}' is not a file of chunks 0..${chunks - 1}`);
    out[i]!.push(key);
  }
  for (const files of out) files.sort();
  return { chunks: out };
}
