/** An in-memory ImportStore (the port's rules: conditional updates on the status, conditional version swaps). */
import type { ImportStore, JobRecord, JobStatus, JournalEntry, TableVersions } from '../../../lambdas/ports/imports.js';

export class MemoryImportStore implements ImportStore {
  readonly jobs = new Map<string, JobRecord>();
  readonly journals = new Map<string, JournalEntry[]>();
  readonly versions = new Map<string, TableVersions>();

  async createJob(job: JobRecord): Promise<void> {
    if (this.jobs.has(job.id)) throw new Error(`job ${job.id} exists`);
    this.jobs.set(job.id, structuredClone(job));
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const j = this.jobs.get(id);
    return j && structuredClone(j);
  }

  async updateJob(id: string, patch: Partial<JobRecord>, onlyIf?: readonly JobStatus[]): Promise<boolean> {
    const j = this.jobs.get(id);
    if (!j || (onlyIf && !onlyIf.includes(j.status))) return false;
    this.jobs.set(id, { ...j, ...structuredClone(patch) });
    return true;
  }

  async listJobs(limit = 100): Promise<JobRecord[]> {
    return [...this.jobs.values()].reverse().slice(0, limit);
  }

  async journal(id: string, entry: JournalEntry): Promise<void> {
    this.journals.set(id, [...(this.journals.get(id) ?? []), entry]);
  }

  async listJournal(id: string): Promise<JournalEntry[]> {
    return this.journals.get(id) ?? [];
  }

  async getVersions(table: string): Promise<TableVersions | undefined> {
    return this.versions.get(table);
  }

  async putVersions(next: TableVersions, expected: number | undefined): Promise<boolean> {
    if (this.versions.get(next.table)?.current !== expected) return false;
    this.versions.set(next.table, structuredClone(next));
    return true;
  }
}
