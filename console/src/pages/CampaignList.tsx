/** The campaigns: status, last and next run, dimension, last failure; search, filters, create, duplicate, archive, delete. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../api.js';
import { DataTable, type TableColumn } from '../components/DataTable.js';
import { Problem } from '../components/Problem.js';
import { type CampaignFilter, filterCampaigns, PERIODS, type Period } from '../filters.js';
import { Link, navigate } from '../router.js';
import { CAMPAIGN_STATUS_ICONS, campaignStatus, type DisplayStatus, runOutcome } from '../status.js';
import { formatInZone } from '../time.js';
import type { CampaignDetail, CampaignView } from '../types.js';

const STATUSES: DisplayStatus[] = ['draft', 'live', 'scheduled', 'archived', 'running', 'paused'];

export function CampaignList() {
  const client = useQueryClient();
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => api<CampaignView[]>('GET', '/campaigns'),
    refetchInterval: (q) => (q.state.data?.some((c) => c.runInProgress) ? 1000 : 5000),
  });
  const [filter, setFilter] = useState<CampaignFilter>({ q: '', statuses: [], period: 'any' });
  const [actionError, setActionError] = useState<unknown>();
  const shown = useMemo(() => filterCampaigns(campaigns.data ?? [], filter, new Date()), [campaigns.data, filter]);
  const act = useMutation({
    mutationFn: ({ method, path, body }: { method: string; path: string; body?: unknown }) =>
      api<unknown>(method, path, { body }),
    onMutate: () => setActionError(undefined),
    onError: (e) => setActionError(e),
    onSettled: () => client.invalidateQueries({ queryKey: ['campaigns'] }),
  });
  const columns = useMemo<TableColumn<CampaignView>[]>(
    () => [
      {
        id: 'campaign',
        header: 'Campaign',
        accessorFn: (c) => c.label,
        cell: ({ row: { original: c } }) => (
          <Link to={{ page: 'campaign', id: c.id }}>
            {c.label} <span className="muted">({c.id})</span>
          </Link>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        accessorFn: (c) => campaignStatus(c),
        cell: ({ row: { original: c } }) => {
          const s = campaignStatus(c);
          return (
            <span className={`badge s-${s}`}>
              <span aria-hidden="true">{CAMPAIGN_STATUS_ICONS[s]}</span> {s}
              {c.changed && c.version > 0 ? ' · changed' : ''}
            </span>
          );
        },
      },
      {
        id: 'lastRun',
        header: 'Last run',
        accessorFn: (c) => c.lastRun?.startedAt ?? '',
        cell: ({ row: { original: c } }) =>
          c.lastRun ? (
            <span>
              {formatInZone(c.lastRun.startedAt, c.timezone)} · {runOutcome(c.lastRun.status)}
              {c.lastRun.counts ? ` · ${c.lastRun.counts.done}/${c.lastRun.counts.activities} done` : ''}
              {c.lastRun.counts?.failed ? `, ${c.lastRun.counts.failed} failed` : ''}
              {c.lastRun.testMode ? ' · test' : ''}
            </span>
          ) : (
            <span className="muted">never</span>
          ),
      },
      {
        id: 'nextRun',
        header: 'Next run',
        accessorFn: (c) => c.nextRun ?? '',
        cell: ({ row: { original: c } }) =>
          c.nextRun ? formatInZone(c.nextRun, c.timezone) : <span className="muted">—</span>,
      },
      {
        id: 'dimension',
        header: 'Dimension',
        accessorFn: (c) => c.dimension ?? '',
        cell: (i) => String(i.getValue() || '—'),
      },
      {
        id: 'lastFailure',
        header: 'Last failed activity',
        accessorFn: (c) => c.lastFailure?.activity ?? '',
        cell: ({ row: { original: c } }) =>
          c.lastFailure ? (
            <Link
              to={{
                page: 'campaign',
                id: c.id,
                runId: c.lastFailure.runId,
                ...(c.lastFailure.activity ? { activity: c.lastFailure.activity } : {}),
              }}
            >
              ✖ {c.lastFailure.activity ?? 'the run'} ({formatInZone(c.lastFailure.at, c.timezone)})
            </Link>
          ) : (
            '—'
          ),
      },
      { id: 'trigger', header: 'Trigger', accessorFn: (c) => c.trigger, cell: (i) => String(i.getValue()) },
      { id: 'version', header: 'Version', accessorFn: (c) => c.version, cell: (i) => String(i.getValue() || '—') },
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: ({ row: { original: c } }) => (
          <span className="row-actions">
            <button
              type="button"
              aria-label={`duplicate ${c.id}`}
              onClick={() => act.mutate({ method: 'POST', path: `/campaigns/${c.id}/duplicate` })}
            >
              Duplicate
            </button>
            <button
              type="button"
              aria-label={`archive ${c.id}`}
              disabled={c.status === 'archived'}
              onClick={() => act.mutate({ method: 'POST', path: `/campaigns/${c.id}/archive` })}
            >
              Archive
            </button>
            <button
              type="button"
              aria-label={`delete ${c.id}`}
              onClick={() =>
                confirm(`Delete campaign ${c.id} and its runs?`) &&
                act.mutate({ method: 'DELETE', path: `/campaigns/${c.id}` })
              }
            >
              Delete
            </button>
          </span>
        ),
      },
    ],
    [act],
  );
  const toggleStatus = (s: DisplayStatus) =>
    setFilter((f) => ({
      ...f,
      statuses: f.statuses.includes(s) ? f.statuses.filter((x) => x !== s) : [...f.statuses, s],
    }));
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campaigns</h1>
      <search className="toolbar">
        <label>
          Search{' '}
          <input
            type="search"
            value={filter.q}
            onChange={(e) => setFilter({ ...filter, q: e.target.value })}
            placeholder="id or label"
          />
        </label>
        <fieldset className="inline">
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s}>
              <input type="checkbox" checked={filter.statuses.includes(s)} onChange={() => toggleStatus(s)} /> {s}
            </label>
          ))}
        </fieldset>
        <label>
          Last run{' '}
          <select value={filter.period} onChange={(e) => setFilter({ ...filter, period: e.target.value as Period })}>
            {PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <CreateCampaign onError={setActionError} />
      </search>
      <Problem error={actionError} />
      <Problem error={campaigns.error} what="the campaigns could not be read" />
      {campaigns.isPending ? (
        <p role="status">Loading campaigns…</p>
      ) : (
        <DataTable
          storageKey="orca.columns.campaigns"
          label="campaigns"
          columns={columns}
          data={shown}
          rowId={(c) => c.id}
          rowLabel={(c) => `${c.label}, ${campaignStatus(c)}`}
          onActivate={(c) => navigate({ page: 'campaign', id: c.id })}
          hiddenByDefault={['trigger']}
          height={560}
          empty={campaigns.data?.length ? 'No campaign matches the filters.' : 'No campaign yet: create one.'}
        />
      )}
      <p className="muted" aria-live="polite">
        {shown.length} of {campaigns.data?.length ?? 0} campaigns
      </p>
    </section>
  );
}

function CreateCampaign({ onError }: { onError: (e: unknown) => void }) {
  const [id, setId] = useState('');
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: () =>
      api<CampaignDetail>('POST', '/campaigns', { body: { id, label: id, activities: [], transitions: [] } }),
    onSuccess: (c) => {
      client.invalidateQueries({ queryKey: ['campaigns'] });
      navigate({ page: 'campaign', id: c.id });
    },
    onError,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onError(undefined);
    if (id) create.mutate();
  };
  return (
    <form onSubmit={submit} className="inline">
      <label>
        New campaign id{' '}
        <input value={id} onChange={(e) => setId(e.target.value.trim())} pattern="[a-z][a-z0-9-]*" required />
      </label>
      <button type="submit" disabled={create.isPending}>
        Create
      </button>
    </form>
  );
}
