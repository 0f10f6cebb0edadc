import { randomBytes } from 'node:crypto';

/** Run ids sort in time order and are valid execution names: 20261122T153012345Z-ab12cd. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** A new import job id: imp- and a run id (sortable by time; a valid execution name). */
export const newJobId = () => `imp-${newRunId().toLowerCase()}`;

/** A new export job id: exp- and a run id. */
export const newExportId = () => `exp-${newRunId().toLowerCase()}`;
