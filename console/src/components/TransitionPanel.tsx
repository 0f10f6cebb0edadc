/** A selected transition: its work table's schema and a paged preview of its rows. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import type { TransitionRows, TransitionSchema } from '../types.js';
import { Problem } from './Problem.js';

const PAGE = 20;

export function TransitionPanel(p: { runId: string; transition: string; onClose: () => void }) {
  const [offset, setOffset] = useState(0);
  const base = `/runs/${encodeURIComponent(p.runId)}/transitions/${encodeURIComponent(p.transition)}`;
  const schema = useQuery({
    queryKey: ['schema', p.runId, p.transition],
    queryFn: () => api<TransitionSchema>('GET', `${base}/schema`),
    retry: false,
  });
  const rows = useQuery({
    queryKey: ['rows', p.runId, p.transition, offset],
    queryFn: () => api<TransitionRows>('GET', `${base}/rows?limit=${PAGE}&offset=${offset}`),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const total = rows.data?.total ?? 0;
  const columns = rows.data?.columns ?? schema.data?.columns ?? [];
  return (
    <section className="panel" aria-labelledby="transition-title">
      <header>
        <h2 id="transition-title">Transition {p.transition}</h2>
        <button type="button" onClick={p.onClose} aria-label="close the transition panel">
          ✕
        </button>
      </header>
      <Problem error={schema.error} what="the schema cannot be read" />
      {schema.data && (
        <p>
          {schema.data.from} ({schema.data.output}) → {schema.data.to} · {schema.data.rows.toLocaleString('en')} rows
          {schema.data.dimension ? ` of ${schema.data.dimension}` : ''}
          {schema.data.active ? '' : ' · not taken'}
        </p>
      )}
      <h3>Schema</h3>
      <table aria-label="schema">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
          </tr>
        </thead>
        <tbody>
          {(schema.data?.columns ?? []).map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.type}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Rows</h3>
      <Problem error={rows.error} what="the rows cannot be read" />
      <div className="scroll-x">
        <table aria-label="rows">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.name} scope="col">
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(rows.data?.rows ?? []).map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a page's rows have no identity but their place in the table
              <tr key={`${offset + i}`}>
                {columns.map((c) => (
                  <td key={c.name}>{formatCell(r[c.name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="pages of rows" className="pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Previous
        </button>
        <span aria-live="polite">
          {total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total.toLocaleString('en')}` : 'no rows'}
        </span>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Next
        </button>
      </nav>
    </section>
  );
}

const formatCell = (v: unknown): string =>
  v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v);
