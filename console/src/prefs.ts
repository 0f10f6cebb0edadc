/**
 * A table's columns as the user chose and ordered them, remembered in localStorage. Columns the
 * table gained since are appended (shown); columns it lost are dropped.
 */
export interface ColumnPrefs {
  order: string[];
  hidden: string[];
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadPrefs(
  storage: KeyValueStore | undefined,
  key: string,
  columns: string[],
  hidden: string[] = [],
): ColumnPrefs {
  let saved: Partial<ColumnPrefs> = {};
  try {
    saved = JSON.parse(storage?.getItem(key) ?? '{}') ?? {};
  } catch {
    saved = {};
  }
  const order = (Array.isArray(saved.order) ? saved.order : []).filter((c) => columns.includes(c));
  for (const c of columns) if (!order.includes(c)) order.push(c);
  const savedHidden = Array.isArray(saved.hidden) ? saved.hidden : hidden;
  return { order, hidden: savedHidden.filter((c) => columns.includes(c)) };
}

export function savePrefs(storage: KeyValueStore | undefined, key: string, prefs: ColumnPrefs): void {
  try {
    storage?.setItem(key, JSON.stringify(prefs));
  } catch {
    // A full or refused storage: the choice holds for this page only.
  }
}

/** Moves a column by `delta` places (-1: left, +1: right), within bounds. */
export function moveColumn(prefs: ColumnPrefs, column: string, delta: number): ColumnPrefs {
  const order = [...prefs.order];
  const from = order.indexOf(column);
  if (from === -1) return prefs;
  const to = Math.max(0, Math.min(order.length - 1, from + delta));
  order.splice(from, 1);
  order.splice(to, 0, column);
  return { ...prefs, order };
}

export function toggleColumn(prefs: ColumnPrefs, column: string): ColumnPrefs {
  const hidden = prefs.hidden.includes(column) ? prefs.hidden.filter((c) => c !== column) : [...prefs.hidden, column];
  // At least one column stays.
  if (hidden.length >= prefs.order.length) return prefs;
  return { ...prefs, hidden };
}

export const visibleColumns = (prefs: ColumnPrefs): string[] => prefs.order.filter((c) => !prefs.hidden.includes(c));
