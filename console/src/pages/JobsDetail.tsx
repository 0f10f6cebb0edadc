/** A job (an import or an export): status and counts (live while it runs), pause/resume/cancel, its journal, its rejects (paged, CSV). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { Problem } from '../components/Problem.js';
import {
  countsText,
  type JobView,
  type JournalEntry,
  jobActions,
  jobInProgress,
  jobStatusLabel,
  jobSummary,
  localZone,
  type RejectsPage,
} from '../jobs.js';
import { Link } from '../router.js';
import { formatInZone } from '../time.js';

const PAGE = 50;

export default function JobsDetail({ id }: { id: string }) {
  const path = `/jobs/${encodeURIComponent(id)}`;
  const client = useQueryClient();
  const zone = localZone();
  const job = useQuery({
    queryKey: ['job', id],
    queryFn: () => api<JobView>('GET', path),
    refetchInterval: (q) => (q.state.data && jobInProgress(q.state.data.status) ? 1000 : false),
  });
  const running = job.data ? jobInProgress(job.data.status) : false;
  const journal = useQuery({
    queryKey: ['job-journal', id],
    queryFn: () => api<JournalEntry[]>('GET', `${path}/journal`),
    enabled: Boolean(job.data),
    refetchInterval: running ? 1000 : false,
  });
  const [offset, setOffset] = useState(0);
  const rejects = useQuery({
    queryKey: ['job-rejects', id, offset, job.data?.hasRejects],
    queryFn: () => api<RejectsPage>('GET', `${path}/rejects?limit=${PAGE}&offset=${offset}`),
    enabled: Boolean(job.data?.hasRejects),
  });
  const [actionError, setActionError] = useState<unknown>();
  const act = useMutation({
    mutationFn: (action: string) => api<JobView>('POST', `${path}/${action}`),
    onMutate: () => setActionError(undefined),
    onError: (e) => setActionError(e),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['job', id] });
      void client.invalidateQueries({ queryKey: ['job-journal', id] });
    },
  });
  const download = useMutation({
    mutationFn: () => api<string>('GET', `${path}/rejects.csv`, { text: true }),
    onMutate: () => setActionError(undefined),
    onError: (e) => setActionError(e),
    onSuccess: (csv) => {
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${id}-rejects.csv`;
      a.click();
      URL.revokeObjectURL(url);
    },
  });
  const file = useMutation({
    mutationFn: () => api<{ url: string }>('GET', `${path}/download`),
    onMutate: () => setActionError(undefined),
    onError: (e) => setActionError(e),
    onSuccess: (ticket) => {
      // A presigned S3 GET in the cloud, the local server's own route locally: either answers
      // Content-Disposition: attachment, so the page stays.
      const a = document.createElement('a');
      a.href = ticket.url;
      a.click();
    },
  });
  const j = job.data;
  return (
    <section aria-label="job">
      <p>
        <Link to={{ page: 'jobs' }}>← Jobs</Link>
      </p>
      <Problem error={job.error} what="the job" />
      {j && (
        <>
          <h1>
            {j.name} <span className="muted">({j.id})</span>
          </h1>
          <div className="toolbar">
            <span className={`badge job-status j-${j.status}`}>{jobStatusLabel(j.status)}</span>
            <span>
              {jobSummary(j)}
              {j.versionAfter !== undefined ? ` · version ${j.versionAfter}` : ''}
            </span>
            {j.kind === 'export' && j.status === 'finished' && (
              <button type="button" disabled={file.isPending} onClick={() => file.mutate()}>
                Download file
              </button>
            )}
            {jobActions(j.status).map((a) => (
              <button key={a} type="button" disabled={act.isPending} onClick={() => act.mutate(a)}>
                {a[0]!.toUpperCase() + a.slice(1)}
              </button>
            ))}
          </div>
          <p className="job-counts">{countsText(j.counts)}</p>
          {j.error && (
            <p role="alert" className="problem">
              {j.error}
            </p>
          )}
          <Problem error={actionError} />
          <p className="muted">
            created {formatInZone(j.createdAt, zone)}
            {j.endedAt ? ` · ended ${formatInZone(j.endedAt, zone)}` : ''}
          </p>
        </>
      )}
      <h2>Journal</h2>
      <Problem error={journal.error} what="the journal" />
      <table className="plain" aria-label="journal">
        <thead>
          <tr>
            <th scope="col">Time ({zone})</th>
            <th scope="col">Kind</th>
            <th scope="col">Stage</th>
            <th scope="col">Message</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {(journal.data ?? []).map((e) => (
            <tr key={`${e.at}-${e.kind}-${e.message}`} className={e.kind === 'error' ? 'problem' : undefined}>
              <td>{formatInZone(e.at, zone)}</td>
              <td>{e.kind}</td>
              <td>{e.stage ?? ''}</td>
              <td>{e.message}</td>
              <td>{e.durationMs !== undefined ? `${e.durationMs} ms` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Rejected lines</h2>
      {j && !j.hasRejects && <p className="muted">No rejected lines.</p>}
      {j?.hasRejects && (
        <>
          <div className="toolbar">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Previous
            </button>
            <span>
              lines {offset + 1}–{offset + (rejects.data?.rows.length ?? 0)}
            </span>
            <button type="button" disabled={!rejects.data?.more} onClick={() => setOffset(offset + PAGE)}>
              Next
            </button>
            <button type="button" disabled={download.isPending} onClick={() => download.mutate()}>
              Download CSV
            </button>
          </div>
          <Problem error={rejects.error} what="the rejects" />
          <table className="plain" aria-label="rejects">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Column</th>
                <th scope="col">Value</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {(rejects.data?.rows ?? []).map((r) => (
                <tr key={`${r.line}-${r.column}-${r.reason}`}>
                  <td>{r.line}</td>
                  <td>{r.column ?? ''}</td>
                  <td>{r.value ?? ''}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
