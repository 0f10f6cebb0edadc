/**
 * Recording an export job, the same from the CLI and the API in both deployments: the job (status
 * editing) with its work folder and its file, and its first journal entry. Starting, pausing and
 * cancelling are the import jobs' (import-actions.ts): both kinds share the store and the statuses.
 */
import { type ExportJob, exportFile } from '../imports/export.js';
import type { ExportRecord, ExportStore } from '../ports/imports.js';

/** Where an export job's UNLOAD or COPY writes before its file is published: removed at its end. */
export const exportWork = (id: string): string => `exports/.work/${id}`;

export async function recordExport(
  store: Pick<ExportStore, 'createJob' | 'journal'>,
  definition: ExportJob,
  id: string,
  actor: string,
  at: string,
): Promise<ExportRecord> {
  const job: ExportRecord = {
    id,
    kind: 'export',
    name: definition.name,
    table: definition.table ?? `audience ${definition.audience}`,
    status: 'editing',
    definition,
    createdAt: at,
    work: exportWork(id),
    out: exportFile(definition, id),
  };
  await Promise.all([
    store.createJob(job),
    store.journal(id, { at, kind: 'action', actor, message: `created by ${actor}` }),
  ]);
  return job;
}
