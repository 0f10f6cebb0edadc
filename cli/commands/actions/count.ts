import { countActivity } from '../../../lambdas/api/count.js';
import { ApiError } from '../../../lambdas/api/errors.js';
import { validateFile, loadCatalogFor } from '../../load.js';
import { CliError, jsonText, printFindings, table, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { checkData, openRuntime } from '../../runs.js';
import { parseVariables } from '../../options.js';
import { checkDataFolder } from '../../data-lock.js';
import type { CountCommandOptions } from '../options.js';

export async function count(file: string, opts: CountCommandOptions): Promise<void> {
  const catalog = loadCatalogFor(opts.catalog);
  const result = validateFile(file, catalog);
  if (!result.valid || !result.analysis) {
    if (opts.json) console.log(jsonText({ status: 'invalid', errors: result.errors, warnings: result.warnings }));
    else printFindings(file, result.errors, result.warnings);
    process.exitCode = 1;
    return;
  }
  const analysis = result.analysis;
  if (!analysis.nodes.has(opts.activity))
    throw new CliError(`${file} has no activity '${opts.activity}'; its activities: ${analysis.order.join(', ')}`, 2);
  const variables = parseVariables(opts.var ?? [], analysis.campaign.variables);
  const dataRoot = dataPath(opts.data);
  checkDataFolder(dataRoot);
  checkData(dataRoot, catalog, catalog.tableNames);
  const { runtime, close } = await openRuntime(dataRoot, catalog, `orca count ${file}`);
  try {
    const r = await countActivity({
      analysis,
      catalog,
      engine: runtime.engine,
      store: runtime.store,
      activity: opts.activity,
      output: opts.output,
      variables,
      now: new Date(),
    }).catch((e: unknown) => {
      if (e instanceof ApiError) throw new CliError(e.message, e.status === 400 ? 2 : 1);
      throw e;
    });
    if (opts.json) return void console.log(jsonText(r));
    console.log(
      table(
        ['activity', 'output', 'rows'],
        r.upstream.flatMap((u) => Object.entries(u.outputs).map(([o, n]) => [u.activity, o, n])),
      ),
    );
    for (const n of r.notRun)
      console.log(`  ${terminalText(n.activity, true)}: not run (${terminalText(n.reason, true)})`);
    console.log(
      `\n${terminalText(r.activity, true)}.${terminalText(r.output, true)}: ${r.rows.toLocaleString('en-US')} rows`,
    );
  } finally {
    await close();
  }
}
