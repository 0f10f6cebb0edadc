/**
 * A page of an import job's rejected lines read from its rejects' Parquet files (the cloud's CTAS
 * output under `<work>/rejects/`, in no particular file order) with hyparquet, a slice at a time:
 * only the `offset + limit` lowest line numbers seen so far are kept, so memory is bounded by the
 * page, never by the number of rejects.
 */
import type { RejectRow } from '../ports/imports.js';
import type { ObjectStore } from '../ports/objects.js';
import { chunkRows } from './chunk-rows.js';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function rejectsPage(
  objects: ObjectStore,
  location: string,
  limit: number,
  offset: number,
): Promise<RejectRow[]> {
  const want = Math.max(0, Math.floor(offset)) + Math.max(0, Math.floor(limit));
  if (want === 0) return [];
  const files = (await objects.list(`${location.replace(/\/+$/, '')}/`))
    .map((o) => o.key)
    .filter((k) => !k.endsWith('/') && !/(^|\/)[._]/.test(k.slice(location.length + 1)));
  let kept: RejectRow[] = [];
  const byLine = (a: RejectRow, b: RejectRow) => a.line - b.line;
  for await (const { rows } of chunkRows(objects, files)) {
    for (const r of rows)
      kept.push({ line: Number(r.line), column: text(r.column), value: text(r.value), reason: String(r.reason ?? '') });
    // Trimmed when twice the page: sorting a bounded array, never the whole file.
    if (kept.length > 2 * want) kept = kept.sort(byLine).slice(0, want);
  }
  return kept.sort(byLine).slice(Math.floor(offset), want);
}
