import { isAbsolute, join, relative, resolve } from 'node:path';
import { ExportJobError, parseExportJob } from '../../../lambdas/imports/export.js';
import { LocalExports } from '../../../runtime/local-exports.js';
import { LocalImports } from '../../../runtime/local-imports.js';
import { loadCatalogFor } from '../../load.js';
import { CliError, jsonText, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { openRuntime } from '../../runs.js';

interface Opts {
  audience?: string;
  format: string;
  out?: string;
  columns?: string;
  delimiter: string;
  header: boolean;
  catalog?: string;
  data?: string;
  json?: boolean;
  force?: boolean;
}

/** --out: relative to the data folder, or an absolute path inside it. */
function outPath(out: string | undefined, data: string): string | undefined {
  if (out === undefined || !isAbsolute(out)) return out;
  const rel = relative(data, resolve(out));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new CliError(`--out: ${out} is outside the data folder ${data}; exports are written only inside it`, 2);
  return rel;
}

export async function runExport(table: string | undefined, opts: Opts): Promise<void> {
  if ((table === undefined) === (opts.audience === undefined))
    throw new CliError('name a table, or an audience with --audience (one of them)', 2);
  if (opts.force) throw new CliError('--force replaces a file --out names on this machine: use it with --endpoint', 2);
  const catalog = loadCatalogFor(opts.catalog);
  const data = dataPath(opts.data);
  const out = outPath(opts.out, data);
  let job: ReturnType<typeof parseExportJob>;
  try {
    job = parseExportJob(
      {
        ...(table !== undefined ? { table } : { audience: opts.audience }),
        format: opts.format,
        delimiter: opts.delimiter,
        header: opts.header,
        ...(opts.columns ? { columns: opts.columns.split(',').map((c) => c.trim()) } : {}),
        ...(out !== undefined ? { out } : {}),
      },
      catalog,
    );
  } catch (e) {
    if (e instanceof ExportJobError) throw new CliError(e.message, 1);
    throw e;
  }
  const { runtime, close } = await openRuntime(data, catalog, 'orca export');
  let done: Awaited<ReturnType<LocalExports['run']>>;
  try {
    const exports = await LocalExports.open(runtime, await LocalImports.open(runtime));
    const rec = await exports.create(job, 'cli');
    if (!opts.json) console.error(`job ${rec.id}: ${rec.table} to ${rec.out} (${job.format.toUpperCase()})`);
    done = await exports.run(rec.id, 'cli', (j, stage) => {
      if (!opts.json) console.error(`  ${stage} done${j.counts?.rows !== undefined ? ` (${j.counts.rows} rows)` : ''}`);
    });
  } finally {
    await close();
  }
  if (opts.json) console.log(jsonText(done));
  else if (done.status === 'finished')
    console.log(
      `job ${done.id}: finished, ${done.counts?.rows ?? 0} rows, ${done.counts?.bytes ?? 0} bytes: ${join(data, done.out)}`,
    );
  else console.log(`job ${done.id}: ${done.status}${done.error ? `\n  ${terminalText(done.error)}` : ''}`);
  if (done.status !== 'finished') process.exitCode = 1;
}
