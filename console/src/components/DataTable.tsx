/**
 * A virtualised table (TanStack Table + Virtual) whose columns the user chooses and orders
 * (remembered per table in localStorage). Rows are reached with the keyboard: Tab into the table,
 * arrows move, Home/End jump, Enter activates.
 */
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { type ColumnPrefs, loadPrefs, moveColumn, savePrefs, toggleColumn, visibleColumns } from '../prefs.js';

export type TableColumn<T> = ColumnDef<T, unknown> & { id: string; header: string };

interface Props<T> {
  /** The key its column choice is remembered under. */
  storageKey: string;
  label: string;
  columns: TableColumn<T>[];
  data: T[];
  rowId: (row: T) => string;
  /** Columns hidden until the user shows them. */
  hiddenByDefault?: string[];
  onActivate?: (row: T) => void;
  /** Keep the last row in view as rows arrive (follow live). */
  follow?: boolean;
  height?: number;
  empty?: string;
  rowLabel?: (row: T) => string;
}

const ROW_HEIGHT = 34;
const storage = () => (typeof localStorage === 'undefined' ? undefined : localStorage);

export function DataTable<T>(p: Props<T>) {
  const ids = p.columns.map((c) => c.id);
  const [prefs, setPrefs] = useState<ColumnPrefs>(() => loadPrefs(storage(), p.storageKey, ids, p.hiddenByDefault));
  const update = (next: ColumnPrefs) => {
    setPrefs(next);
    savePrefs(storage(), p.storageKey, next);
  };
  const shownKey = visibleColumns(prefs).join(',');
  const [sorting, setSorting] = useState<SortingState>([]);
  const columns = useMemo(
    () => shownKey.split(',').flatMap((id) => p.columns.filter((c) => c.id === id)),
    [shownKey, p.columns],
  );
  const table = useReactTable({
    data: p.data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => p.rowId(row),
  });
  const rows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const [active, setActive] = useState(0);
  const focusRow = (i: number) => {
    const index = Math.max(0, Math.min(rows.length - 1, i));
    setActive(index);
    virtual.scrollToIndex(index, { align: 'auto' });
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus());
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when rows arrive, not when the virtualiser re-renders
  useEffect(() => {
    if (p.follow && rows.length) virtual.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [p.follow, rows.length]);
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number) => {
    const moves: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: i + 10,
      PageUp: i - 10,
    };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' && p.onActivate) {
      e.preventDefault();
      p.onActivate(rows[i]!.original);
    }
  };
  const items = virtual.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div className="datatable">
      <ColumnChooser label={p.label} columns={p.columns} prefs={prefs} onChange={update} />
      <div ref={scroller} className="scroller" style={{ height: p.height ?? 420 }}>
        <table aria-label={p.label} aria-rowcount={rows.length}>
          <thead>
            {table.getHeaderGroups().map((g) => (
              <tr key={g.id}>
                {g.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    >
                      <button
                        type="button"
                        className="linkish"
                        onClick={h.column.getToggleSortingHandler()}
                        aria-label={`sort by ${String(h.column.columnDef.header)}`}
                      >
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {top > 0 && (
              <tr>
                <td style={{ height: top, padding: 0 }} colSpan={columns.length} />
              </tr>
            )}
            {items.map((v) => {
              const row = rows[v.index]!;
              return (
                <tr
                  key={row.id}
                  data-index={v.index}
                  aria-rowindex={v.index + 1}
                  tabIndex={v.index === Math.min(active, rows.length - 1) ? 0 : -1}
                  aria-label={p.rowLabel?.(row.original)}
                  onKeyDown={(e) => onKey(e, v.index)}
                  onFocus={() => setActive(v.index)}
                  onDoubleClick={() => p.onActivate?.(row.original)}
                  style={{ height: ROW_HEIGHT }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {bottom > 0 && (
              <tr>
                <td style={{ height: bottom, padding: 0 }} colSpan={columns.length} />
              </tr>
            )}
          </tbody>
        </table>
        {!rows.length && <p className="empty">{p.empty ?? 'Nothing to show.'}</p>}
      </div>
    </div>
  );
}

function ColumnChooser<T>(p: {
  label: string;
  columns: TableColumn<T>[];
  prefs: ColumnPrefs;
  onChange: (next: ColumnPrefs) => void;
}) {
  const header = (id: string) => p.columns.find((c) => c.id === id)?.header ?? id;
  return (
    <details className="columns">
      <summary>Columns</summary>
      <ol aria-label={`columns of ${p.label}`}>
        {p.prefs.order.map((id, i) => (
          <li key={id}>
            <label>
              <input
                type="checkbox"
                checked={!p.prefs.hidden.includes(id)}
                onChange={() => p.onChange(toggleColumn(p.prefs, id))}
              />
              {header(id)}
            </label>
            <button
              type="button"
              aria-label={`move ${header(id)} left`}
              disabled={i === 0}
              onClick={() => p.onChange(moveColumn(p.prefs, id, -1))}
            >
              ←
            </button>
            <button
              type="button"
              aria-label={`move ${header(id)} right`}
              disabled={i === p.prefs.order.length - 1}
              onClick={() => p.onChange(moveColumn(p.prefs, id, 1))}
            >
              →
            </button>
          </li>
        ))}
      </ol>
    </details>
  );
}
