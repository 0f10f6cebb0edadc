import { ACTIVITIES } from '../../../lambdas/activities/index.js';
import { newRunId } from '../../../lambdas/orchestrator/run-id.js';
import { compileFile, loadCatalogFor } from '../../load.js';
import { color } from '../../output.js';
import { dataPath } from '../../paths.js';
import { Progress } from '../../progress.js';
import { checkData, jsonSummary, openRuntime, printSummary, summarize, watchPauses } from '../../runs.js';
import { parseVariables } from '../../options.js';
import type { RunCommandOptions } from '../options.js';

/** Validates, compiles and runs a campaign file on the local stack; returns the exit code. */
export async function runCampaignFile(file: string, opts: RunCommandOptions): Promise<number> {
  const catalog = loadCatalogFor(opts.catalog);
  const compiledFile = compileFile(
    file,
    catalog,
    {},
    opts.json
      ? (r) => console.log(JSON.stringify({ status: 'invalid', errors: r.errors, warnings: r.warnings }, null, 2))
      : undefined,
  );
  if (!compiledFile) return 1;
  const { analysis, compiled } = compiledFile;
  const dataRoot = dataPath(opts.data);
  checkData(dataRoot, catalog, catalog.tableNames);
  const runtime = await openRuntime(dataRoot, catalog);
  const runId = newRunId();
  const tty = Boolean(process.stdout.isTTY) && !opts.json;
  const order = analysis.order;
  const progress = opts.json
    ? undefined
    : new Progress({
        store: runtime.store,
        runId,
        activities: order.map((id) => ({ id, title: ACTIVITIES.get(analysis.nodes.get(id)!.def.type)!.title })),
        tty,
        write: (s) => process.stdout.write(s),
      });
  if (!opts.json)
    console.log(
      `${color.bold(analysis.campaign.label)} ${color.dim(`(${analysis.campaign.id}, run ${runId}, data ${dataRoot})`)}`,
    );
  const onSignal = () => void runtime.stop(runId, 'Ctrl-C');
  process.once('SIGINT', onSignal);
  // A pause (breakpoint, suspend policy) says so, and Enter resumes it; with --json, on stderr.
  const unwatch = watchPauses({
    store: runtime.store,
    runId,
    resume: () => runtime.resume(runId, 'the terminal'),
    write: (line) => (progress ? progress.note(line) : process.stderr.write(`${line}\n`)),
    input: process.stdin,
  });
  try {
    progress?.start();
    const run = await runtime.run(compiled.definition, {
      runId,
      testMode: opts.test ?? false,
      variables: parseVariables(opts.var ?? [], analysis.campaign.variables),
    });
    await progress?.stop();
    const summary = await summarize(runtime.store, runId, order);
    if (opts.json) console.log(JSON.stringify(jsonSummary(summary), null, 2));
    else printSummary(summary);
    return run.status === 'completed' ? 0 : 1;
  } finally {
    unwatch();
    process.stdin.pause();
    process.off('SIGINT', onSignal);
    await runtime.close();
  }
}

export async function run(file: string, opts: RunCommandOptions): Promise<void> {
  process.exitCode = await runCampaignFile(file, opts);
}
