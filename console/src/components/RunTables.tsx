/** A run's logs and tasks: columns chosen and ordered, filters by activity, level and status, search, follow live. */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api.js';
import { filterLogs, filterTasks } from '../filters.js';
import { duration } from '../time.js';
import type { LogEntry, TaskRecord } from '../types.js';
import { DataTable, type TableColumn } from './DataTable.js';
import { Problem } from './Problem.js';

/** A time of day in the campaign's zone (the zone is on the page's run line). */
const clock = (iso: string, zone: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { timeZone: zone, hour12: false });

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const TASK_STATUSES = ['running', 'done', 'failed', 'skipped', 'notRun'] as const;

interface Props {
  runId: string;
  live: boolean;
  activities: string[];
  activity: string | undefined;
  onActivity: (id: string | undefined) => void;
  zone: string;
}

export function RunTables(p: Props) {
  const [tab, setTab] = useState<'logs' | 'tasks'>('logs');
  const [level, setLevel] = useState<LogEntry['level'] | ''>('');
  const [status, setStatus] = useState<TaskRecord['status'] | ''>('');
  const [q, setQ] = useState('');
  const [follow, setFollow] = useState(true);
  const poll = p.live && follow ? 1000 : false;
  const logs = useQuery({
    queryKey: ['logs', p.runId],
    queryFn: () => api<LogEntry[]>('GET', `/runs/${encodeURIComponent(p.runId)}/logs`),
    refetchInterval: poll,
  });
  const tasks = useQuery({
    queryKey: ['tasks', p.runId],
    queryFn: () => api<TaskRecord[]>('GET', `/runs/${encodeURIComponent(p.runId)}/tasks`),
    refetchInterval: poll,
  });
  // The run ended: one last read, for what it wrote after the last poll.
  const { refetch: refetchLogs } = logs;
  const { refetch: refetchTasks } = tasks;
  useEffect(() => {
    if (!p.live) {
      void refetchLogs();
      void refetchTasks();
    }
  }, [p.live, refetchLogs, refetchTasks]);
  const shownLogs = useMemo(
    () => filterLogs(logs.data ?? [], { activity: p.activity, level: level || undefined, q }),
    [logs.data, p.activity, level, q],
  );
  const shownTasks = useMemo(
    () => filterTasks(tasks.data ?? [], { activity: p.activity, status: status || undefined, q }),
    [tasks.data, p.activity, status, q],
  );
  const logColumns = useMemo<TableColumn<LogEntry>[]>(
    () => [
      { id: 'at', header: 'Time', accessorFn: (e) => e.at, cell: (i) => clock(String(i.getValue()), p.zone) },
      {
        id: 'level',
        header: 'Level',
        accessorFn: (e) => e.level,
        cell: (i) => <span className={`level-${i.getValue()}`}>{String(i.getValue())}</span>,
      },
      {
        id: 'activity',
        header: 'Activity',
        accessorFn: (e) => e.activity ?? '',
        cell: (i) => String(i.getValue() || '—'),
      },
      { id: 'message', header: 'Message', accessorFn: (e) => e.message, cell: (i) => String(i.getValue()) },
      { id: 'rows', header: 'Rows', accessorFn: (e) => e.rows ?? '', cell: (i) => String(i.getValue()) },
      {
        id: 'duration',
        header: 'Duration',
        accessorFn: (e) => e.durationMs ?? '',
        cell: (i) => (i.getValue() === '' ? '' : `${i.getValue()} ms`),
      },
      { id: 'actor', header: 'Actor', accessorFn: (e) => e.actor ?? '', cell: (i) => String(i.getValue()) },
      {
        id: 'sql',
        header: 'SQL',
        accessorFn: (e) => e.sql ?? '',
        cell: (i) => <code>{String(i.getValue()).slice(0, 200)}</code>,
      },
    ],
    [p.zone],
  );
  const taskColumns = useMemo<TableColumn<TaskRecord>[]>(
    () => [
      { id: 'activity', header: 'Activity', accessorFn: (t) => t.activityId, cell: (i) => String(i.getValue()) },
      { id: 'status', header: 'Status', accessorFn: (t) => t.status, cell: (i) => String(i.getValue()) },
      {
        id: 'startedAt',
        header: 'Started',
        accessorFn: (t) => t.startedAt,
        cell: (i) => clock(String(i.getValue()), p.zone),
      },
      {
        id: 'duration',
        header: 'Duration',
        accessorFn: (t) => duration(t.startedAt, t.endedAt),
        cell: (i) => String(i.getValue()),
      },
      { id: 'rows', header: 'Rows', accessorFn: (t) => t.rows ?? '', cell: (i) => String(i.getValue()) },
      { id: 'error', header: 'Error', accessorFn: (t) => t.error ?? '', cell: (i) => String(i.getValue()) },
    ],
    [p.zone],
  );
  return (
    <section className="run-tables" aria-label="logs and tasks">
      <div role="tablist" aria-label="logs or tasks">
        <button type="button" role="tab" aria-selected={tab === 'logs'} onClick={() => setTab('logs')}>
          Logs ({shownLogs.length})
        </button>
        <button type="button" role="tab" aria-selected={tab === 'tasks'} onClick={() => setTab('tasks')}>
          Tasks ({shownTasks.length})
        </button>
      </div>
      <div className="toolbar">
        <label>
          Activity{' '}
          <select
            value={p.activity ?? ''}
            onChange={(e) => p.onActivity(e.target.value || undefined)}
            aria-label="filter by activity"
          >
            <option value="">all</option>
            {p.activities.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        {tab === 'logs' ? (
          <label>
            Level{' '}
            <select value={level} onChange={(e) => setLevel(e.target.value as LogEntry['level'] | '')}>
              <option value="">all</option>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l} and above
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            Status{' '}
            <select value={status} onChange={(e) => setStatus(e.target.value as TaskRecord['status'] | '')}>
              <option value="">all</option>
              {TASK_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Search <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow live
        </label>
      </div>
      <Problem error={tab === 'logs' ? logs.error : tasks.error} what={`the ${tab} could not be read`} />
      {tab === 'logs' ? (
        <DataTable
          key="logs"
          storageKey="orca.columns.logs"
          label="logs"
          columns={logColumns}
          data={shownLogs}
          rowId={(e) => e.id}
          hiddenByDefault={['sql', 'actor']}
          follow={follow}
          height={260}
          empty="No log entry matches."
        />
      ) : (
        <DataTable
          key="tasks"
          storageKey="orca.columns.tasks"
          label="tasks"
          columns={taskColumns}
          data={shownTasks}
          rowId={(t) => `${t.activityId}@${t.startedAt}`}
          follow={follow}
          height={260}
          empty="No task matches."
        />
      )}
    </section>
  );
}
