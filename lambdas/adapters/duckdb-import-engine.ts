/**
 * The local import engine: DuckDB (the embedded engine's instance) for statements; a CSV file is
 * checked by lambdas/imports/read-source.ts (scanCsv) and read by DuckDB itself, a JSON-lines file
 * copied by read-source.ts into the JSON-lines copy under the job's folder.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DuckDbEngine } from './duckdb-engine.js';
import type { ImportEngine } from '../ports/imports.js';
import type { ImportJob } from '../imports/job.js';
import { sourceCopy } from '../imports/plan.js';
import { scanCsv, sourceToJsonLines, type CsvLayout } from '../imports/read-source.js';
import { CSV_COPY_FILE } from '../sql/dialect.js';
import { fileInsideDataFolder } from '../sql/csv.js';
import { checkedLocation } from '../layout.js';
import { ActivityError } from '../util/errors.js';

export class DuckDbImportEngine implements ImportEngine {
  constructor(private readonly duck: DuckDbEngine) {}

  get dialect() {
    return this.duck.dialect;
  }

  url(location: string): string {
    return join(this.duck.dataRoot, checkedLocation(location));
  }

  async execute(sql: string) {
    const r = await this.duck.execute(sql);
    return { queryId: r.queryId, rows: r.rows };
  }

  rows(sql: string) {
    return this.duck.query(sql);
  }

  materialize(select: string, target: { location: string; table: string }) {
    return this.duck.materialize(select, target);
  }

  prepareTarget(target: { location: string; table: string }) {
    return this.duck.prepareTarget(target);
  }

  async loadSource(job: ImportJob, work: string): Promise<{ records: number; layout?: CsvLayout }> {
    let file: string;
    try {
      file = await fileInsideDataFolder(this.duck.dataRoot, job.source.file);
    } catch (e) {
      throw new ActivityError(`import job ${job.name}: source.${(e as Error).message}`);
    }
    if (job.source.format === 'parquet') return { records: -1 };
    // DuckDB reads a CSV file itself (plan.ts, duckDbCsv) once its bytes are checked.
    if (job.source.format === 'csv') return scanCsv(createReadStream(file, { highWaterMark: 1 << 20 }), job);
    const copy = this.url(sourceCopy(job, work).copy);
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    const stats = { records: 0 };
    await pipeline(
      Readable.from(sourceToJsonLines(createReadStream(file), job, stats)),
      createWriteStream(join(copy, CSV_COPY_FILE)),
    );
    return stats;
  }

  async remove(location: string): Promise<void> {
    rmSync(this.url(location), { recursive: true, force: true });
  }

  async prepareFolder(location: string): Promise<void> {
    const dir = this.url(location);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  cancelMatching(text: string): void {
    this.duck.cancelRun(text);
  }
}
