/**
 * The import benchmark: a 1M-line CSV applied as insert-or-update to a 1M-row table (half the lines
 * update existing rows, half insert new ones), through the same job state machine and stages as
 * `orca import`. Reports the job's wall time and the process's peak RSS.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog } from '../lambdas/catalog/catalog.js';
import { parseImportJob } from '../lambdas/imports/job.js';
import { stringLiteral } from '../lambdas/sql/literal.js';
import { LocalRuntime } from '../runtime/local-runtime.js';
import { LocalImports } from '../runtime/local-imports.js';

export interface ImportBench {
  seconds: number;
  peakMb: number;
  /** CPU time of the process (user + system, every thread), s: the figure that does not depend on other processes. */
  cpuS: number;
  counts: Record<string, unknown>;
  stages: Array<{ stage: string; ms: number }>;
}

export async function benchImport(o: {
  rows: number;
  dataRoot: string;
  threads: number;
  memoryLimit: string;
  log: (s: string) => void;
}): Promise<ImportBench> {
  const catalog = buildCatalog({
    tables: {
      customers: {
        primaryKey: 'id',
        location: 'tables/customers',
        columns: { id: 'integer', email: 'string', age: 'integer', score: 'double', city: 'string', since: 'date' },
      },
    },
  });
  rmSync(join(o.dataRoot, 'store'), { recursive: true, force: true });
  rmSync(join(o.dataRoot, 'versions'), { recursive: true, force: true });
  rmSync(join(o.dataRoot, 'imports'), { recursive: true, force: true });
  const runtime = await LocalRuntime.open({
    dataRoot: o.dataRoot,
    catalog,
    threads: o.threads,
    memoryLimit: o.memoryLimit,
  });
  try {
    const table = join(o.dataRoot, 'tables/customers/data.parquet');
    const csv = join(o.dataRoot, `uploads/customers-${o.rows}.csv`);
    if (!existsSync(table) || !existsSync(csv)) {
      o.log(`generating a ${o.rows}-row table and a ${o.rows}-line CSV under ${o.dataRoot}`);
      mkdirSync(join(o.dataRoot, 'tables/customers'), { recursive: true });
      mkdirSync(join(o.dataRoot, 'uploads'), { recursive: true });
      await runtime.engine.execute(
        `COPY (SELECT i AS id, 'c' || i || '@example.com' AS email, CAST(18 + i % 60 AS BIGINT) AS age, (i % 1000) / 10.0 AS score, 'city' || (i % 500) AS city, DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS since FROM range(${o.rows}) AS t(i)) TO ${stringLiteral(table)} (FORMAT PARQUET)`,
      );
      // Lines for ids rows/2 .. rows*1.5: the first half update existing rows, the second half are new.
      await runtime.engine.execute(
        `COPY (SELECT i AS id, 'n' || i || '@example.com' AS email, 20 + i % 50 AS age, (i % 777) / 7.0 AS score FROM range(${o.rows / 2}, ${o.rows / 2 + o.rows}) AS t(i)) TO ${stringLiteral(csv)} (FORMAT CSV, HEADER true)`,
      );
    }
    const imports = await LocalImports.open(runtime);
    const job = parseImportJob(
      {
        table: 'customers',
        key: 'id',
        operation: 'insertOrUpdate',
        source: { file: `uploads/customers-${o.rows}.csv` },
        columns: [
          { field: 'id', column: 'id' },
          { field: 'email', column: 'email' },
          { field: 'age', column: 'age' },
          { field: 'score', column: 'score' },
        ],
      },
      'bench_import',
      catalog,
    );
    const rec = await imports.create(job);
    const stages: Array<{ stage: string; ms: number }> = [];
    let last = performance.now();
    const started = last;
    const cpu = process.cpuUsage();
    const done = await imports.run(rec.id, 'bench', (_j, stage) => {
      const t = performance.now();
      stages.push({ stage, ms: t - last });
      last = t;
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuS = (used.user + used.system) / 1e6;
    if (done.status !== 'finished') throw new Error(`the import job ended ${done.status}: ${done.error}`);
    return {
      seconds,
      // ru_maxrss: the process's peak resident set (KB on Linux), DuckDB's native memory included.
      peakMb: process.resourceUsage().maxRSS / 1024,
      cpuS,
      counts: done.counts as Record<string, unknown>,
      stages,
    };
  } finally {
    await runtime.close();
  }
}
