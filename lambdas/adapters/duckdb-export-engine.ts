/**
 * The local export engine: DuckDB (the import engine's statements, folders and cancels) and the
 * finish stage's rename of the written file to the export's `out`, which must stay inside the data
 * folder: a relative path without `..`, whose folder (links followed) is inside it.
 */
import { mkdirSync, readdirSync, realpathSync, renameSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { ExportEngine } from '../ports/imports.js';
import { checkedLocation } from '../layout.js';
import { ActivityError } from '../util/errors.js';
import { DuckDbImportEngine } from './duckdb-import-engine.js';

export class DuckDbExportEngine extends DuckDbImportEngine implements ExportEngine {
  constructor(
    duck: ConstructorParameters<typeof DuckDbImportEngine>[0],
    private readonly dataRoot: string,
  ) {
    super(duck);
  }

  async publish(work: string, out: string): Promise<number> {
    const files = readdirSync(this.url(work)).filter((f) => f.startsWith('export.'));
    if (files.length !== 1) throw new ActivityError(`the export wrote ${files.length} files in ${work}, not one`);
    const target = this.url(checkedLocation(out, 'out'));
    mkdirSync(dirname(target), { recursive: true });
    const root = realpathSync(this.dataRoot);
    const rel = relative(root, realpathSync(dirname(target)));
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new ActivityError(
        `out: ${out} leads outside the data folder ${this.dataRoot}; exports are written only inside it`,
      );
    renameSync(join(this.url(work), files[0]!), target);
    return statSync(target).size;
  }
}
