/**
 * The rows of a chunk's Parquet files, read with hyparquet (pure JS: the same reader on S3 and on
 * disk) through the ObjectStore's range reads, a slice of rows at a time: memory holds one slice,
 * never the whole table.
 */
import { gunzipSync } from 'node:zlib';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { ObjectStore } from '../ports/objects.js';

/** Rows read at a time: a few thousand (a chunk holds 5,000 rows or more). */
export const SLICE_ROWS = 2000;

/**
 * hyparquet decodes Snappy (DuckDB's default) itself; GZIP is Athena's default for a Parquet CTAS
 * ("Amazon Athena User Guide — CTAS table properties, write_compression"), so it is added here.
 */
const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

export type Row = Record<string, unknown>;

/** A value as templates and JSON take it: integers that fit a double become numbers, larger ones text. */
function plain(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** The file's slices of rows, row group by row group; `columns` names the file's columns in order. */
export async function* chunkRows(
  objects: ObjectStore,
  files: string[],
  sliceRows = SLICE_ROWS,
): AsyncGenerator<{ file: string; columns: string[]; rows: Row[] }> {
  for (const key of files) {
    const file = await objects.open(key);
    const metadata = await parquetMetadataAsync(file);
    // The top-level columns (schema[0] is the root; a nested column's children follow it).
    const columns: string[] = [];
    for (let i = 1, top = metadata.schema[0]?.num_children ?? 0; i < metadata.schema.length && columns.length < top; ) {
      columns.push(metadata.schema[i]!.name);
      i += skipSubtree(metadata.schema, i);
    }
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      for (let start = groupStart; start < groupEnd; start += sliceRows) {
        const rows = await parquetReadObjects({
          file,
          metadata,
          rowStart: start,
          rowEnd: Math.min(groupEnd, start + sliceRows),
          compressors,
        });
        for (const row of rows) for (const k of Object.keys(row)) row[k] = plain(row[k]);
        yield { file: key, columns, rows };
      }
      groupStart = groupEnd;
    }
  }
}

/** How many schema elements the element at `i` and its descendants take. */
export function skipSubtree(schema: Array<{ num_children?: number }>, i: number): number {
  let count = 1;
  for (let c = 0, n = schema[i]?.num_children ?? 0; c < n; c++) count += skipSubtree(schema, i + count);
  return count;
}
