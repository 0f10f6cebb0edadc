/**
 * A channel activity of a run: while it waits for a confirmation, what was prepared (messages,
 * exclusions by reason), rendered proof samples and a Confirm button; after, its delivery report.
 * Routes: GET /runs/{runId}/report, POST /runs/{runId}/activities/{id}/proof and /confirm.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.js';
import type { GraphNode } from '../graph.js';
import { deliveryFigures, percent, prepared } from '../sends.js';
import type { ProofSample, RunReport } from '../types.js';
import { Problem } from './Problem.js';

export function SendPanel({ runId, node, live }: { runId: string; node: GraphNode; live: boolean }) {
  const client = useQueryClient();
  const run = encodeURIComponent(runId);
  const activity = encodeURIComponent(node.id);
  const waiting = node.status === 'needsAttention';
  const report = useQuery({
    queryKey: ['report', runId],
    queryFn: () => api<RunReport>('GET', `/runs/${run}/report`),
    refetchInterval: live ? 2000 : false,
  });
  const proof = useQuery({
    queryKey: ['proof', runId, node.id],
    queryFn: () => api<ProofSample[]>('POST', `/runs/${run}/activities/${activity}/proof`, { body: { count: 3 } }),
    enabled: waiting,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const confirm = useMutation({
    mutationFn: () => api<unknown>('POST', `/runs/${run}/activities/${activity}/confirm`),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['run', runId] });
      client.invalidateQueries({ queryKey: ['report', runId] });
    },
  });
  const line = report.data?.activities.find((a) => a.activityId === node.id);
  const p = line && prepared(line);
  return (
    <section className="send" aria-label="send">
      <h3>Send</h3>
      <Problem error={report.error} what="the report could not be read" />
      {p && (
        <p>
          Prepared: <strong>{p.messages.toLocaleString('en')}</strong> message(s) of {p.targeted.toLocaleString('en')}{' '}
          targeted
          {p.excluded.length > 0 && (
            <>; excluded: {p.excluded.map(([reason, n]) => `${reason} ${n.toLocaleString('en')}`).join(', ')}</>
          )}
        </p>
      )}
      {waiting && (
        <>
          <p className="attention">
            <span aria-hidden="true">⚠</span> Waiting for a confirmation before sending.
          </p>
          <Problem error={proof.error} what="the proof could not be rendered" />
          {proof.isPending && <p role="status">Rendering proof samples…</p>}
          {proof.data && (
            <ol className="proofs" aria-label="proof samples">
              {proof.data.map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: samples have no id; their order is the API's
                <li key={i}>
                  <div>
                    to <code>{s.to}</code>
                    {s.subject || s.title ? ` · ${s.subject ?? s.title}` : ''}
                  </div>
                  {s.error ? (
                    <p className="problem">✖ {s.error}</p>
                  ) : s.html ? (
                    <iframe title={`proof sample ${i + 1}`} sandbox="" srcDoc={s.html} className="proof-html" />
                  ) : (
                    <pre className="code">{s.text ?? s.body ?? ''}</pre>
                  )}
                </li>
              ))}
            </ol>
          )}
          <button type="button" onClick={() => confirm.mutate()} disabled={confirm.isPending}>
            Confirm
          </button>
          <Problem error={confirm.error} what="the send was not confirmed" />
        </>
      )}
      {line && !waiting && (line.sent > 0 || node.status === 'done') && (
        <>
          <ul className="figures" aria-label="delivery report">
            {deliveryFigures(line).map(([label, n]) => (
              <li key={label}>
                {label}: {n.toLocaleString('en')}
              </li>
            ))}
          </ul>
          <p className="muted">
            delivery {percent(line.rates.deliveryRate)} · opens {percent(line.rates.openRate)} · clicks{' '}
            {percent(line.rates.clickRate)}
          </p>
        </>
      )}
    </section>
  );
}
