/** An in-memory import store (the ImportStore port) and a platform that runs nothing: the API's job routes on fake ports. */
import type { ImportPlatform } from '../../../lambdas/api/import-platform.js';
import type { ImportStore, JobRecord, JobStatus, JournalEntry, TableVersions } from '../../../lambdas/ports/imports.js';

export class MemoryImportStore implements ImportStore {
  readonly jobs = new Map<string, JobRecord>();
  readonly journals = new Map<string, JournalEntry[]>();
  readonly versions = new Map<string, TableVersions>();

  async createJob(job: JobRecord) {
    this.jobs.set(job.id, structuredClone(job));
  }
  async getJob(id: string) {
    const j = this.jobs.get(id);
    return j && structuredClone(j);
  }
  async updateJob(id: string, patch: Partial<JobRecord>, onlyIf?: readonly JobStatus[]) {
    const j = this.jobs.get(id);
    if (!j || (onlyIf && !onlyIf.includes(j.status))) return false;
    this.jobs.set(id, { ...j, ...structuredClone(patch) });
    return true;
  }
  async listJobs(limit = 100) {
    return [...this.jobs.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map((j) => structuredClone(j));
  }
  async journal(id: string, entry: JournalEntry) {
    this.journals.set(id, [...(this.journals.get(id) ?? []), entry]);
  }
  async listJournal(id: string) {
    return [...(this.journals.get(id) ?? [])];
  }
  async getVersions(table: string) {
    const v = this.versions.get(table);
    return v && structuredClone(v);
  }
  async putVersions(next: TableVersions, expected: number | undefined) {
    if (this.versions.get(next.table)?.current !== expected) return false;
    this.versions.set(next.table, structuredClone(next));
    return true;
  }
}

/** Starting a job marks it running (nothing runs); it has no rejects. */
export function nullImportPlatform(store: ImportStore): ImportPlatform & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    async start(id) {
      started.push(id);
      await store.updateJob(id, { status: 'running' }, ['editing']);
    },
    async startExport(id) {
      started.push(id);
      await store.updateJob(id, { status: 'running' }, ['editing']);
    },
    async cancelled() {},
    async rejects() {
      return [];
    },
  };
}
