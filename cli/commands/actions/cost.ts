import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AthenaDialect } from '../../../lambdas/sql/dialect.js';
import { stringLiteral } from '../../../lambdas/sql/literal.js';
import type { Catalog } from '../../../lambdas/catalog/catalog.js';
import { compileFile, loadCatalogFor } from '../../load.js';
import { color, jsonText, styled, table, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { estimateCost, SAMPLE_SHAPE, type TableSize } from '../../cost.js';
import type { CostCommandOptions } from '../options.js';
import { readDocument } from '../../../lambdas/util/files.js';
import { exportCost, isExportJob, isImportJob, jobCost } from './cost-job.js';

/** Bytes and rows per table from the local data, per row of the dimension. */
async function measure(
  catalog: Catalog,
  dataRoot: string,
  dimension: string,
): Promise<Record<string, TableSize> | undefined> {
  const dir = (t: string) => join(dataRoot, catalog.table(t)!.location);
  if (!existsSync(dir(dimension))) return undefined;
  // DuckDB only when there is local data to measure.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const stats: Record<string, { rows: number; bytes: number }> = {};
    for (const t of catalog.tableNames) {
      if (!existsSync(dir(t))) continue;
      const r = (
        await db.runAndReadAll(
          `SELECT sum(row_group_num_rows) AS rows, sum(row_group_compressed_bytes) AS bytes FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows, row_group_compressed_bytes FROM parquet_metadata(${stringLiteral(`${dir(t)}/**/*.parquet`)}))`,
        )
      ).getRowObjectsJson()[0]!;
      stats[t] = { rows: Number(r.rows), bytes: Number(r.bytes) };
    }
    const base = stats[dimension]!.rows || 1;
    return Object.fromEntries(
      Object.entries(stats).map(([t, s]) => [
        t,
        { rowsPerProfile: s.rows / base, bytesPerRow: s.bytes / Math.max(1, s.rows), measured: true },
      ]),
    );
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export async function cost(file: string, opts: CostCommandOptions): Promise<void> {
  const catalog = loadCatalogFor(opts.catalog);
  // An import or export job (cost-job.ts) rather than a campaign.
  let doc: unknown;
  try {
    doc = readDocument(file);
  } catch {
    // Not readable: the campaign's compilation says why.
  }
  if (isImportJob(doc)) return jobCost(file, doc, catalog, dataPath(opts.data), opts);
  if (isExportJob(doc)) return exportCost(doc, catalog, dataPath(opts.data), opts);
  const c = compileFile(file, catalog, { dialect: new AthenaDialect({ database: 'orca' }) });
  if (!c) {
    process.exitCode = 1;
    return;
  }
  const { analysis, compiled } = c;
  const measured = await measure(catalog, dataPath(opts.data), analysis.campaign.dimension);
  const sizes = measured ?? SAMPLE_SHAPE;
  const estimate = estimateCost(analysis, compiled, sizes, opts.profiles, undefined, { smsPrice: opts.smsPrice });
  if (opts.json) {
    console.log(jsonText({ ...estimate, sizes }));
    return;
  }
  console.log(
    `${color.bold(terminalText(analysis.campaign.label, true))}: one run on ${opts.profiles.toLocaleString('en-US')} profiles (${measured ? 'table sizes measured from the local data' : 'table sizes of the sample data'})\n`,
  );
  console.log(
    table(
      ['', 'quantity', 'USD'],
      [
        ...estimate.lines.map((l) => [l.item, l.quantity, l.note ?? `$${l.usd.toFixed(5)}`]),
        [styled(color.bold('total per run')), '', styled(color.bold(`$${estimate.total.toFixed(4)}`))],
      ],
    ),
  );
  console.log(
    color.dim(
      '\nAthena is an upper bound (whole tables; Athena reads only the columns a query uses); so are messages (every profile reaches each channel activity). Idle costs are not per run: S3 storage, DynamoDB storage, alarms.',
    ),
  );
}
