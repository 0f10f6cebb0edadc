/**
 * The end of an update data activity (lambdas/activities/update-data.ts): its query wrote the
 * table's next version (output `version`) and counted the changes; this switches the table to that
 * version in one step, as an import job's swap does (import-versions.ts: a conditional write of the
 * pointer, then the table switch, the last N versions kept). Nothing changed: the version is removed
 * and the table keeps its own. A run reads the version its catalog was pinned to when it started:
 * when an import job or a rollback moved the table since, nothing is applied.
 */
import { VERSION_OUTPUT } from '../activities/update-data.js';
import { OUTPUT_COLUMN } from '../sql/dialect.js';
import type { Target } from '../ports/engine.js';
import { ActivityError } from './errors.js';
import { swapVersion, VersionConflict } from './import-versions.js';
import type { Deps } from './types.js';

/**
 * Applies the version; what happened, for the activity's log line. `carriesOn`: an outbound
 * transition reads the activity's `main` output, kept in its folder.
 */
export async function applyTableVersion(
  deps: Deps,
  saves: { table: string; keep: number },
  target: Target,
  rows: Record<string, number>,
  versionId: string,
  at: string,
  carriesOn: boolean,
): Promise<string> {
  const table = deps.catalog.table(saves.table);
  if (!table) throw new ActivityError(`table: unknown table '${saves.table}'`);
  const location = `${target.location}/${OUTPUT_COLUMN}=${VERSION_OUTPUT}`;
  const changed = (rows.inserted ?? 0) + (rows.updated ?? 0) + (rows.deleted ?? 0);
  if (!changed) {
    await deps.engine.remove(carriesOn ? location : target.location);
    return `${table.name} unchanged: it keeps its version`;
  }
  try {
    if (!rows[VERSION_OUTPUT])
      throw new ActivityError(`the next version of ${table.name} would have no rows: nothing applied`);
    if (!deps.versions)
      throw new ActivityError('this deployment keeps no versions of catalog tables: update data cannot apply');
    const v = await deps.versions.store.getVersions(table.name);
    const current = v?.current !== undefined ? v.versions.find((x) => x.version === v.current) : undefined;
    if (current && current.location !== table.location)
      throw new VersionConflict(
        `the table ${table.name} was changed by an import job or a rollback since this run started (now version ${current.version}): nothing applied; run the campaign again`,
      );
    const version = await swapVersion(
      { store: deps.versions.store, engine: deps.engine, tables: deps.versions.tables },
      table,
      v?.current,
      location,
      versionId,
      saves.keep,
      at,
      target.location,
    );
    return `${table.name} is now at version ${version}`;
  } catch (e) {
    // Nothing was switched: the version written is removed, the table stays as it was.
    await deps.engine.remove(target.location);
    throw e;
  }
}
