/** The filters of the campaigns list and of the logs and tasks tables, as pure functions. */
import { campaignStatus, type DisplayStatus } from './status.js';
import type { CampaignView, LogEntry, TaskRecord } from './types.js';

export type Period = 'any' | '24h' | '7d' | '30d' | 'never';

export const PERIODS: Array<{ value: Period; label: string }> = [
  { value: 'any', label: 'any time' },
  { value: '24h', label: 'last 24 hours' },
  { value: '7d', label: 'last 7 days' },
  { value: '30d', label: 'last 30 days' },
  { value: 'never', label: 'never run' },
];

const DAY = 86_400_000;
const SPAN: Record<Exclude<Period, 'any' | 'never'>, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

export interface CampaignFilter {
  q: string;
  /** Shown statuses; empty: all. */
  statuses: DisplayStatus[];
  period: Period;
}

export function filterCampaigns(campaigns: CampaignView[], f: CampaignFilter, now: Date): CampaignView[] {
  const q = f.q.trim().toLowerCase();
  return campaigns.filter((c) => {
    if (q && !c.id.toLowerCase().includes(q) && !c.label.toLowerCase().includes(q)) return false;
    if (f.statuses.length && !f.statuses.includes(campaignStatus(c))) return false;
    if (f.period === 'never') return !c.lastRun;
    if (f.period !== 'any') {
      if (!c.lastRun) return false;
      return now.getTime() - Date.parse(c.lastRun.startedAt) <= SPAN[f.period];
    }
    return true;
  });
}

export interface LogFilter {
  activity?: string | undefined;
  level?: LogEntry['level'] | undefined;
  q?: string | undefined;
}

const LEVEL_RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/** A level shows it and the levels above (warn: warnings and errors). */
export function filterLogs(entries: LogEntry[], f: LogFilter): LogEntry[] {
  const q = f.q?.trim().toLowerCase();
  return entries.filter(
    (e) =>
      (!f.activity || e.activity === f.activity) &&
      (!f.level || LEVEL_RANK[e.level] >= LEVEL_RANK[f.level]) &&
      (!q || e.message.toLowerCase().includes(q) || (e.sql ?? '').toLowerCase().includes(q)),
  );
}

export interface TaskFilter {
  activity?: string | undefined;
  status?: TaskRecord['status'] | undefined;
  q?: string | undefined;
}

export function filterTasks(tasks: TaskRecord[], f: TaskFilter): TaskRecord[] {
  const q = f.q?.trim().toLowerCase();
  return tasks.filter(
    (t) =>
      (!f.activity || t.activityId === f.activity) &&
      (!f.status || t.status === f.status) &&
      (!q || t.activityId.toLowerCase().includes(q) || (t.error ?? '').toLowerCase().includes(q)),
  );
}
