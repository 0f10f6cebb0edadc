/** The fail step of a job machine's Catch: the job interrupted, what it wrote removed, the table untouched. */
import { describe, expect, it } from 'vitest';
import type { JobStatus, JournalEntry, TableVersions } from '../ports/imports.js';
import { failureMessage, interruptJob } from './job-interrupted.js';

function deps(job: { status: JobStatus; next?: string } | undefined, versions?: TableVersions) {
  const removed: string[] = [];
  const updates: unknown[] = [];
  const journal: JournalEntry[] = [];
  const record = job && { ...job, work: 'imports/imp-1', table: 'recipients' };
  return {
    removed,
    updates,
    journal,
    deps: {
      store: {
        getJob: async () => record,
        updateJob: async (_id: string, patch: unknown, onlyIf: readonly JobStatus[]) => {
          updates.push({ patch, onlyIf });
          return onlyIf.includes(record!.status);
        },
        journal: async (_id: string, e: JournalEntry) => {
          journal.push(e);
        },
      },
      engine: { remove: async (l: string) => void removed.push(l) },
      versions: { getVersions: async () => versions },
    },
  };
}

// What Step Functions gives a Catch for a Lambda timeout: Error Sandbox.Timedout, the Cause Lambda's JSON.
const TIMEOUT = {
  Error: 'Sandbox.Timedout',
  Cause: JSON.stringify({ errorMessage: 'RequestId: x Error: Task timed out after 900.00 seconds' }),
};

describe('interruptJob', () => {
  it('a running import: its work folder and its unswapped version removed, interrupted with the error, journaled', async () => {
    const d = deps(
      { status: 'running', next: 'versions/recipients/imp-1' },
      {
        table: 'recipients',
        current: 2,
        versions: [{ version: 2, location: 'versions/recipients/imp-0', jobId: 'imp-0', at: '' }],
      },
    );
    expect(await interruptJob(d.deps, 'imp-1', TIMEOUT)).toEqual({ next: 'end' });
    expect(d.removed).toEqual(['imports/imp-1', 'versions/recipients/imp-1']);
    const [u] = d.updates as Array<{ patch: Record<string, unknown>; onlyIf: JobStatus[] }>;
    expect(u!.patch).toMatchObject({
      status: 'interrupted',
      error: 'Sandbox.Timedout: RequestId: x Error: Task timed out after 900.00 seconds',
    });
    expect(u!.onlyIf).toEqual(['running', 'pausing', 'paused', 'cancelling', 'stopping']);
    expect(d.journal).toHaveLength(1);
    expect(d.journal[0]).toMatchObject({ kind: 'error' });
    expect(d.journal[0]!.message).toMatch(/recipients is unchanged$/);
  });

  it('the table already switched to the job’s version: its files stay (the table reads them)', async () => {
    const d = deps(
      { status: 'running', next: 'versions/recipients/imp-1' },
      {
        table: 'recipients',
        current: 3,
        versions: [{ version: 3, location: 'versions/recipients/imp-1', jobId: 'imp-1', at: '' }],
      },
    );
    await interruptJob(d.deps, 'imp-1', TIMEOUT);
    expect(d.removed).toEqual(['imports/imp-1']);
    expect(d.journal[0]!.message).toMatch(/already switched/);
  });

  it('a job already ended (or unknown) is left as it is', async () => {
    for (const status of ['finished', 'cancelled', 'finishedWithErrors', 'interrupted'] as const) {
      const d = deps({ status });
      await interruptJob(d.deps, 'imp-1', TIMEOUT);
      expect([d.removed, d.updates, d.journal]).toEqual([[], [], []]);
    }
    const none = deps(undefined);
    expect(await interruptJob(none.deps, 'nope', TIMEOUT)).toEqual({ next: 'end' });
  });

  it('failureMessage: a Cause that is not JSON as it is, its first line; nothing known says so', () => {
    expect(failureMessage({ Error: 'States.Runtime', Cause: 'line one\nline two' })).toBe('States.Runtime: line one');
    expect(failureMessage(undefined)).toBe('the job function failed');
  });
});
