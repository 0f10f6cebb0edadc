/**
 * Export jobs in the import jobs' items (lambdas/adapters/dynamodb-import-store.ts): the same key
 * layout, list and journal, so that `orca jobs` and the API list both kinds; records of kind export only.
 */
import type { ExportRecord, ExportStore, ImportStore, JobRecord, JobStatus, JournalEntry } from '../ports/imports.js';

export class DynamoDbExportStore implements ExportStore {
  constructor(private readonly jobs: ImportStore) {}

  createJob(job: ExportRecord): Promise<void> {
    // The item layout is the record's own: the import store writes any job record as it is.
    return this.jobs.createJob(job as unknown as JobRecord);
  }

  async getJob(id: string): Promise<ExportRecord | undefined> {
    const job = (await this.jobs.getJob(id)) as unknown as ExportRecord | undefined;
    return job?.kind === 'export' ? job : undefined;
  }

  updateJob(id: string, patch: Partial<ExportRecord>, onlyIf?: readonly JobStatus[]): Promise<boolean> {
    return this.jobs.updateJob(id, patch as unknown as Partial<JobRecord>, onlyIf);
  }

  journal(id: string, entry: JournalEntry): Promise<void> {
    return this.jobs.journal(id, entry);
  }

  listJournal(id: string): Promise<JournalEntry[]> {
    return this.jobs.listJournal(id);
  }
}
