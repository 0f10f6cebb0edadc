/** A selected activity: its settings, its SQL (the code view), a count before running, its run state and issues. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import type { GraphNode } from '../graph.js';
import { activityLight } from '../status.js';
import type { ActivityDef, ActivitySql, CountResult } from '../types.js';
import { isChannel } from '../sends.js';
import { Problem } from './Problem.js';
import { SendPanel } from './SendPanel.js';

type Tab = 'settings' | 'sql';

export function ActivityPanel(p: {
  campaignId: string;
  node: GraphNode;
  def: ActivityDef | undefined;
  /** The run shown on the canvas, and whether it is in progress (a channel activity's send). */
  runId?: string | undefined;
  live?: boolean;
  onClose: () => void;
}) {
  const [tab, setTab] = useState<Tab>('settings');
  const light = activityLight(p.node.status);
  const sql = useQuery({
    queryKey: ['sql', p.campaignId, p.node.id],
    queryFn: () =>
      api<ActivitySql>('GET', `/campaigns/${p.campaignId}/activities/${encodeURIComponent(p.node.id)}/sql`),
    enabled: tab === 'sql',
    retry: false,
  });
  const count = useMutation({
    mutationFn: () => api<CountResult>('POST', `/campaigns/${p.campaignId}/count`, { body: { activity: p.node.id } }),
  });
  return (
    <section className="panel" aria-labelledby="activity-title">
      <header>
        <h2 id="activity-title">
          {p.node.label} <span className="muted">({p.node.type})</span>
        </h2>
        <button type="button" onClick={p.onClose} aria-label="close the activity panel">
          ✕
        </button>
      </header>
      <p>
        <span className={`light tone-${light.tone}`}>
          <span aria-hidden="true">{light.icon}</span> {light.text}
        </span>{' '}
        · {p.node.tasks} task(s){p.node.rows !== undefined ? ` · ${p.node.rows.toLocaleString('en')} rows` : ''}
      </p>
      {p.node.error && <p className="problem">✖ {p.node.error}</p>}
      {p.node.errors.map((m) => (
        <p key={m} className="problem">
          ✖ error: {m}
        </p>
      ))}
      {p.node.warnings.map((m) => (
        <p key={m} className="warning">
          ⚠ warning: {m}
        </p>
      ))}
      {p.runId && isChannel(p.node.type) && <SendPanel runId={p.runId} node={p.node} live={p.live ?? false} />}
      <div role="tablist" aria-label="activity details">
        {(['settings', 'sql'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t === 'sql' ? 'SQL' : 'Settings'}
          </button>
        ))}
      </div>
      {tab === 'settings' && (
        <pre className="code" role="tabpanel" aria-label="settings">
          {JSON.stringify(p.def ?? { id: p.node.id, type: p.node.type }, null, 2)}
        </pre>
      )}
      {tab === 'sql' && (
        <>
          <Problem error={sql.error} what="the SQL cannot be shown" />
          {sql.data && (
            <pre className="code sql" role="tabpanel" aria-label="SQL">
              {sql.data.sql ?? `-- '${p.node.id}' runs no query (${sql.data.type})`}
            </pre>
          )}
        </>
      )}
      <div className="count">
        <button type="button" onClick={() => count.mutate()} disabled={count.isPending}>
          Count
        </button>{' '}
        <span aria-live="polite">
          {count.isPending
            ? 'counting…'
            : count.data
              ? `${count.data.rows.toLocaleString('en')} rows on ${count.data.output}`
              : ''}
        </span>
        <Problem error={count.error} what="count" />
      </div>
    </section>
  );
}
