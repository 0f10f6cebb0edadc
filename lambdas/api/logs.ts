import { LOG_LEVELS, type LogEntry, type LogLevel } from '../ports/store.js';

export interface LogFilter {
  activity?: string | undefined;
  /** At least this level. */
  level?: LogLevel | undefined;
  /** Text in the activity, the message or the SQL (any case). */
  q?: string | undefined;
}

/** The entries of a run's log a reader asked for (the API's and the CLI's filters). */
export function filterLogs<T extends LogEntry>(entries: T[], f: LogFilter): T[] {
  const min = LOG_LEVELS.indexOf(f.level ?? 'debug');
  const q = f.q?.toLowerCase();
  return entries.filter(
    (l) =>
      LOG_LEVELS.indexOf(l.level) >= min &&
      (!f.activity || l.activity === f.activity) &&
      (!q || `${l.activity ?? ''} ${l.message} ${l.sql ?? ''}`.toLowerCase().includes(q)),
  );
}
