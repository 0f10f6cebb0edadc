import { describe, expect, it } from 'vitest';
import { filterCampaigns, filterLogs, filterTasks } from './filters.js';
import type { CampaignView, LogEntry, TaskRecord } from './types.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const campaign = (id: string, extra: Partial<CampaignView> = {}): CampaignView => ({
  id,
  label: `Label ${id.toUpperCase()}`,
  status: 'live',
  version: 1,
  changed: false,
  source: 'api',
  trigger: 'manual',
  timezone: 'UTC',
  createdAt: '',
  updatedAt: '',
  runInProgress: false,
  ...extra,
});
const ran = (at: string, status: 'completed' | 'running' | 'paused' = 'completed') => ({
  lastRun: { runId: 'r', status, startedAt: at, testMode: false },
});

describe('the campaigns list filters', () => {
  const all = [
    campaign('welcome', ran('2026-12-01T02:00:00Z')),
    campaign('winback', { status: 'scheduled', ...ran('2026-11-28T12:00:00Z') }),
    campaign('draft-one', { status: 'draft' }),
    campaign('busy', { runInProgress: true, ...ran('2026-10-01T00:00:00Z', 'paused') }),
  ];
  const ids = (f: Parameters<typeof filterCampaigns>[1]) => filterCampaigns(all, f, NOW).map((c) => c.id);

  it('search in the id and the label, any case', () => {
    expect(ids({ q: 'WIN', statuses: [], period: 'any' })).toEqual(['winback']);
    expect(ids({ q: 'label d', statuses: [], period: 'any' })).toEqual(['draft-one']);
  });

  it('statuses as shown: a campaign with a paused run is paused, not live', () => {
    expect(ids({ q: '', statuses: ['live'], period: 'any' })).toEqual(['welcome']);
    expect(ids({ q: '', statuses: ['paused', 'draft'], period: 'any' })).toEqual(['draft-one', 'busy']);
  });

  it('period of the last run: 10 h ago is within 24 h, 3 days ago within 7 days, never run alone', () => {
    expect(ids({ q: '', statuses: [], period: '24h' })).toEqual(['welcome']);
    expect(ids({ q: '', statuses: [], period: '7d' })).toEqual(['welcome', 'winback']);
    expect(ids({ q: '', statuses: [], period: '30d' })).toEqual(['welcome', 'winback']);
    expect(ids({ q: '', statuses: [], period: 'never' })).toEqual(['draft-one']);
  });
});

describe('logs and tasks filters', () => {
  const logs: LogEntry[] = [
    { id: '1', at: '', level: 'debug', activity: 'a', message: 'query sent', sql: 'SELECT 1' },
    { id: '2', at: '', level: 'info', activity: 'a', message: 'Done: 3 rows' },
    { id: '3', at: '', level: 'warn', activity: 'b', message: 'slow' },
    { id: '4', at: '', level: 'error', message: 'run failed' },
  ];
  it('by activity, by level and above, by text in the message or the SQL', () => {
    expect(filterLogs(logs, { activity: 'a' }).map((e) => e.id)).toEqual(['1', '2']);
    expect(filterLogs(logs, { level: 'warn' }).map((e) => e.id)).toEqual(['3', '4']);
    expect(filterLogs(logs, { q: 'select' }).map((e) => e.id)).toEqual(['1']);
    expect(filterLogs(logs, { q: 'rows', activity: 'b' })).toEqual([]);
  });
  const tasks: TaskRecord[] = [
    { activityId: 'a', startedAt: '1', status: 'done' },
    { activityId: 'b', startedAt: '2', status: 'failed', error: 'Timeout' },
  ];
  it('tasks by activity, status and text', () => {
    expect(filterTasks(tasks, { status: 'failed' }).map((t) => t.activityId)).toEqual(['b']);
    expect(filterTasks(tasks, { activity: 'a', status: 'failed' })).toEqual([]);
    expect(filterTasks(tasks, { q: 'timeout' }).map((t) => t.activityId)).toEqual(['b']);
  });
});
