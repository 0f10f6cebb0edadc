/** The jobs (imports and exports): status, table, operation (an export's format), counts, times (in the browser's zone); filtered by status. */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import { DataTable, type TableColumn } from '../components/DataTable.js';
import { Problem } from '../components/Problem.js';
import {
  countsText,
  JOB_STATUSES,
  type JobStatus,
  type JobView,
  jobInProgress,
  jobStatusLabel,
  localZone,
} from '../jobs.js';
import { Link, navigate } from '../router.js';
import { duration, formatInZone } from '../time.js';

export default function JobsList() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  const jobs = useQuery({
    queryKey: ['jobs', status],
    queryFn: () => api<JobView[]>('GET', `/jobs${status ? `?status=${status}` : ''}`),
    refetchInterval: (q) => (q.state.data?.some((j) => jobInProgress(j.status)) ? 1000 : 5000),
  });
  const zone = localZone();
  const columns = useMemo<TableColumn<JobView>[]>(
    () => [
      {
        id: 'job',
        header: 'Job',
        accessorFn: (j) => j.name,
        cell: ({ row: { original: j } }) => (
          <Link to={{ page: 'job', id: j.id }}>
            {j.name} <span className="muted">({j.id})</span>
          </Link>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        accessorFn: (j) => j.status,
        cell: ({ row: { original: j } }) => (
          <span className={`badge j-${j.status}`}>
            {jobStatusLabel(j.status)}
            {j.stage && jobInProgress(j.status) ? ` · after ${j.stage}` : ''}
          </span>
        ),
      },
      { id: 'table', header: 'Table', accessorFn: (j) => j.table, cell: (i) => String(i.getValue()) },
      {
        id: 'operation',
        header: 'Operation',
        accessorFn: (j) => (j.kind === 'export' ? `export (${j.format ?? 'csv'})` : j.operation),
        cell: (i) => String(i.getValue()),
      },
      {
        id: 'counts',
        header: 'Counts',
        accessorFn: (j) => j.counts.read ?? 0,
        cell: ({ row: { original: j } }) => countsText(j.counts),
      },
      {
        id: 'created',
        header: 'Created',
        accessorFn: (j) => j.createdAt,
        cell: ({ row: { original: j } }) => formatInZone(j.createdAt, zone),
      },
      {
        id: 'ended',
        header: 'Ended',
        accessorFn: (j) => j.endedAt ?? '',
        cell: ({ row: { original: j } }) => formatInZone(j.endedAt, zone),
      },
      {
        id: 'duration',
        header: 'Duration',
        accessorFn: (j) => j.endedAt ?? '',
        cell: ({ row: { original: j } }) => duration(j.startedAt, j.endedAt) || '—',
      },
      { id: 'file', header: 'File', accessorFn: (j) => j.file, cell: (i) => String(i.getValue()) },
    ],
    [zone],
  );
  return (
    <section aria-label="import jobs">
      <h1>Jobs</h1>
      <div className="toolbar">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as JobStatus | '')}>
            <option value="">any</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {jobStatusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">times in {zone}</span>
      </div>
      <Problem error={jobs.error} what="the jobs" />
      <DataTable
        storageKey="jobs"
        label="jobs"
        columns={columns}
        data={jobs.data ?? []}
        rowId={(j) => j.id}
        hiddenByDefault={['file']}
        onActivate={(j) => navigate({ page: 'job', id: j.id })}
        rowLabel={(j) => `${j.name} ${jobStatusLabel(j.status)}`}
        empty={jobs.isLoading ? 'Loading…' : 'No import jobs; start one with `orca import JOB` or POST /jobs.'}
      />
    </section>
  );
}
