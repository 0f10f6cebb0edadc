/**
 * Follows an import or export job over the API until it ends: its journal printed as it grows
 * (each stage with its message and time, pauses, errors), polled less often the longer it runs.
 */
import { ENDED, type JobStatus, type JournalEntry } from '../lambdas/ports/imports.js';
import type { ApiClient } from './api-client.js';
import { terminalText } from './output.js';

/** A job as the API shows it (lambdas/api/import-service.ts's jobView). */
export interface JobView {
  id: string;
  name: string;
  table: string;
  status: JobStatus;
  kind?: 'import' | 'export';
  operation?: string;
  format?: string;
  file: string;
  stage?: string;
  counts: Record<string, unknown>;
  error?: string;
  versionAfter?: number;
}

export const jobPath = (id: string, more = '') => `/jobs/${encodeURIComponent(id)}${more}`;

/** A journal entry as one line: `  load: read 3 record(s) of uploads/… (12 ms)`, `  type done (8 ms)`. */
export function journalLine(e: JournalEntry): string {
  const where = e.stage && !e.message.startsWith(`${e.stage} `) ? `${e.stage}: ` : '';
  const ms = e.durationMs !== undefined ? ` (${e.durationMs} ms)` : '';
  return `  ${e.kind === 'error' ? 'error: ' : ''}${where}${terminalText(e.message, true)}${ms}`;
}

export const hasEnded = (j: Pick<JobView, 'status'>) => ENDED.includes(j.status);

export interface FollowOptions {
  /** Where the journal's lines go (nothing printed without). */
  print?: (line: string) => void;
  /** Ctrl-C meanwhile ends the command (exit 130), saying the job goes on and how to reach it. */
  endpoint?: string;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export async function followJob(api: ApiClient, id: string, o: FollowOptions = {}): Promise<JobView> {
  const onSignal = () => {
    const e = o.endpoint ? ` --endpoint ${o.endpoint}` : '';
    process.stderr.write(
      `\nstopped following job ${id}; it goes on: \`orca job ${id}${e}\` shows it, \`orca job cancel ${id}${e}\` cancels it\n`,
    );
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    return await poll(api, id, o);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

async function poll(api: ApiClient, id: string, o: FollowOptions): Promise<JobView> {
  const started = Date.now();
  let seen = 0;
  for (;;) {
    const job = await api.ok<JobView>('GET', jobPath(id));
    if (o.print) {
      const journal = await api.ok<JournalEntry[]>('GET', jobPath(id, '/journal'));
      for (const e of journal.slice(seen)) o.print(journalLine(e));
      seen = Math.max(seen, journal.length);
    }
    if (hasEnded(job)) return job;
    // Polled at a fifth of the time it has run so far: a short job is seen ending soon after, a long
    // one costs few requests.
    const delay = Math.min(o.maxDelayMs ?? 2000, Math.max(o.firstDelayMs ?? 150, (Date.now() - started) / 5));
    await new Promise((res) => setTimeout(res, delay));
  }
}
