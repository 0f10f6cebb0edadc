/**
 * The versions of catalog tables written by import jobs: where a table's current version is (the
 * catalog's own location until a job swaps it), the swap itself (a conditional write of the pointer,
 * then the table switch: Glue UpdateTable in the cloud) with the last N versions kept, and rollback.
 */
import { Catalog, type CatalogTable } from '../catalog/catalog.js';
import type { ImportEngine, ImportStore, TableSwitch, TableVersion, TableVersions } from '../ports/imports.js';
import { ActivityError } from '../util/errors.js';

/** Version 0: the catalog's own location, kept in the list so that a rollback can return to it (never removed). */
export const CATALOG_VERSION = 0;

export const versionLocation = (table: string, jobId: string): string => `versions/${table}/${jobId}`;

/** The table's current version and its location. */
export async function currentVersion(
  store: Pick<ImportStore, 'getVersions'>,
  table: CatalogTable,
): Promise<{ version?: number; location: string }> {
  const v = await store.getVersions(table.name);
  const cur = v?.current !== undefined ? v.versions.find((x) => x.version === v.current) : undefined;
  return cur ? { version: cur.version, location: cur.location } : { location: table.location };
}

/**
 * The catalog as campaigns read it now: each table at its current version. Resolved once when a
 * run starts, so that a run reads one version of each table even when a job swaps it meanwhile.
 */
export async function pinnedCatalog(catalog: Catalog, store: ImportStore): Promise<Catalog> {
  const tables = new Map(catalog.tables);
  let changed = false;
  for (const t of catalog.tables.values()) {
    const cur = await currentVersion(store, t);
    if (cur.location !== t.location) {
      tables.set(t.name, { ...t, location: cur.location });
      changed = true;
    }
  }
  return changed ? new Catalog(tables) : catalog;
}

export class VersionConflict extends ActivityError {}

/**
 * Makes `location` the table's current version if the current one is still `base`; keeps the last
 * `keep` versions (and version 0, the catalog's location), removes the files of those dropped
 * (`folder`: what to remove with the version when its location is a part of it).
 */
export async function swapVersion(
  deps: { store: ImportStore; engine: Pick<ImportEngine, 'remove'>; tables?: TableSwitch | undefined },
  table: CatalogTable,
  base: number | undefined,
  location: string,
  jobId: string,
  keep: number,
  at: string,
  folder?: string,
): Promise<number> {
  const before = (await deps.store.getVersions(table.name)) ?? { table: table.name, versions: [] };
  if (before.current !== base)
    throw new VersionConflict(
      `the table ${table.name} was changed by another job or a rollback since this job read it (version ${base ?? CATALOG_VERSION}, now ${before.current}): nothing applied; run the job again`,
    );
  const known: TableVersion[] = before.versions.length
    ? before.versions
    : [{ version: CATALOG_VERSION, location: table.location, jobId: 'catalog', at }];
  const version = Math.max(...known.map((v) => v.version)) + 1;
  const all = [...known, { version, location, jobId, at, ...(folder ? { folder } : {}) }];
  const others = all.filter((v) => v.version !== CATALOG_VERSION);
  const kept = others.slice(-keep);
  const next: TableVersions = {
    table: table.name,
    current: version,
    versions: [...all.filter((v) => v.version === CATALOG_VERSION), ...kept],
  };
  if (!(await deps.store.putVersions(next, base)))
    throw new VersionConflict(`the table ${table.name} was changed by another job meanwhile: nothing applied`);
  try {
    await deps.tables?.switchTo(table, location);
  } catch (e) {
    await deps.store.putVersions(before, version);
    throw e;
  }
  for (const v of others.slice(0, others.length - kept.length)) await deps.engine.remove(v.folder ?? v.location);
  return version;
}

/** Makes a kept version the current one again. */
export async function rollback(
  deps: { store: ImportStore; tables?: TableSwitch | undefined },
  table: CatalogTable,
  version: number,
): Promise<TableVersion> {
  const v = await deps.store.getVersions(table.name);
  const target = v?.versions.find((x) => x.version === version);
  if (!v || !target)
    throw new ActivityError(
      `table ${table.name} has no version ${version}; kept: ${v?.versions.map((x) => x.version).join(', ') || 'none (no import job ever changed it)'}`,
    );
  if (!(await deps.store.putVersions({ ...v, current: version }, v.current)))
    throw new VersionConflict(`the table ${table.name} was changed meanwhile; try again`);
  await deps.tables?.switchTo(table, target.location);
  return target;
}
