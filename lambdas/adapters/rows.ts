/** Rows of work tables as JSON, the same from both engines. */
import type { Column } from '../sql/types.js';

/** JSON values for a row: numbers for integers (when exact) and decimals, text for dates and times. */
export function typedRow(row: Record<string, unknown>, columns: Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name];
    if (v === null || v === undefined) out[c.name] = null;
    else if (c.type === 'integer' || c.type === 'decimal' || c.type === 'double') {
      const n = Number(v);
      out[c.name] = c.type === 'integer' && !Number.isSafeInteger(n) ? String(v) : n;
    } else out[c.name] = v;
  }
  return out;
}
