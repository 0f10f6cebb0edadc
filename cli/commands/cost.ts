import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DuckDBInstance } from '@duckdb/node-api';
import { AthenaDialect } from '../../lambdas/sql/dialect.js';
import { stringLiteral } from '../../lambdas/sql/literal.js';
import type { Catalog } from '../../lambdas/catalog/catalog.js';
import { compileFile, loadCatalogFor } from '../load.js';
import { color, table } from '../output.js';
import { dataPath } from '../paths.js';
import { positiveInt } from '../options.js';
import { estimateCost, SAMPLE_SHAPE, type TableSize } from '../cost.js';

/** Bytes and rows per table from the local data, per row of the dimension. */
async function measure(
  catalog: Catalog,
  dataRoot: string,
  dimension: string,
): Promise<Record<string, TableSize> | undefined> {
  const dir = (t: string) => join(dataRoot, catalog.table(t)!.location);
  if (!existsSync(dir(dimension))) return undefined;
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

export function costCommand(program: Command): void {
  program
    .command('cost')
    .description(
      'estimate what one run of a campaign costs on AWS (Step Functions, Lambda, Athena, DynamoDB, S3, logs)',
    )
    .argument('<file>', 'campaign file')
    .requiredOption(
      '--profiles <n>',
      'rows of the targeting dimension (table sizes scale with it)',
      positiveInt('--profiles'),
    )
    .option('--catalog <file>', 'data catalog')
    .option(
      '--data <dir>',
      'measure table sizes from this data folder (default: $ORCA_DATA or ./.orca, if it has data)',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { profiles: number; catalog?: string; data?: string; json?: boolean }) => {
      const catalog = loadCatalogFor(opts.catalog);
      const c = compileFile(file, catalog, { dialect: new AthenaDialect({ database: 'orca' }) });
      if (!c) {
        process.exitCode = 1;
        return;
      }
      const { analysis, compiled } = c;
      const measured = await measure(catalog, dataPath(opts.data), analysis.campaign.dimension);
      const sizes = measured ?? SAMPLE_SHAPE;
      const estimate = estimateCost(analysis, compiled, sizes, opts.profiles);
      if (opts.json) {
        console.log(JSON.stringify({ ...estimate, sizes }, null, 2));
        return;
      }
      console.log(
        `${color.bold(analysis.campaign.label)}: one run on ${opts.profiles.toLocaleString('en-US')} profiles (${measured ? 'table sizes measured from the local data' : 'table sizes of the sample data'})\n`,
      );
      console.log(
        table(
          ['', 'quantity', 'USD'],
          [
            ...estimate.lines.map((l) => [l.item, l.quantity, `$${l.usd.toFixed(5)}`]),
            [color.bold('total per run'), '', color.bold(`$${estimate.total.toFixed(4)}`)],
          ],
        ),
      );
      console.log(
        color.dim(
          '\nAthena is an upper bound (whole tables; Athena reads only the columns a query uses). Idle costs are not per run: S3 storage, DynamoDB storage, alarms.',
        ),
      );
    });
}
