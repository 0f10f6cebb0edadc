import { ACTIVITIES } from '../../../lambdas/activities/index.js';
import { newRunId } from '../../../lambdas/orchestrator/run-id.js';
import { compileFile, loadCatalogFor } from '../../load.js';
import { color, interrupted, jsonText, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { Progress } from '../../progress.js';
import { checkData, jsonSummary, openRuntime, printSummary, summarize, watchPauses } from '../../runs.js';
import { parseVariables } from '../../options.js';
import { checkDataFolder } from '../../data-lock.js';
import type { RunCommandOptions } from '../options.js';
import { watchConfirmations } from '../../confirmations.js';
import { smtpUrlFromEnv } from '../../../runtime/local-channels.js';

/** Validates, compiles and runs a campaign file on the local stack; returns the exit code. */
export async function runCampaignFile(file: string, opts: RunCommandOptions): Promise<number> {
  const catalog = loadCatalogFor(opts.catalog);
  const compiledFile = compileFile(
    file,
    catalog,
    {},
    opts.json ? (r) => console.log(jsonText({ status: 'invalid', errors: r.errors, warnings: r.warnings })) : undefined,
  );
  if (!compiledFile) return 1;
  const { analysis, compiled } = compiledFile;
  // Everything the user typed is checked before the data folder is opened.
  const variables = parseVariables(opts.var ?? [], analysis.campaign.variables);
  const dataRoot = dataPath(opts.data);
  checkDataFolder(dataRoot);
  checkData(dataRoot, catalog, catalog.tableNames);
  const smtpUrl = opts.smtp ?? smtpUrlFromEnv();
  const { runtime, close } = await openRuntime(dataRoot, catalog, `orca run ${file}`, smtpUrl ? { smtpUrl } : {});
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
      `${color.bold(terminalText(analysis.campaign.label, true))} ${color.dim(`(${analysis.campaign.id}, run ${runId}, data ${terminalText(dataRoot, true)})`)}`,
    );
  const onSignal = () => {
    interrupted.value = true;
    if (!opts.json) process.stderr.write('\nstopping the run (Ctrl-C again to quit at once)…\n');
    void runtime.stop(runId, 'Ctrl-C').catch(() => {});
  };
  process.once('SIGINT', onSignal);
  // A pause (breakpoint, suspend policy) says so, and Enter resumes it; with --json, on stderr.
  const unwatch = watchPauses({
    store: runtime.store,
    runId,
    resume: () => runtime.resume(runId, 'the terminal'),
    stop: (reason) => runtime.stop(runId, reason),
    write: (line) => (progress ? progress.note(line) : process.stderr.write(`${line}\n`)),
    input: process.stdin,
  });
  // A channel activity waiting for a confirmation says what it prepared; "confirm" + Enter sends.
  const unwatchConfirmations = watchConfirmations({
    store: runtime.store,
    runId,
    confirm: (activityId) => runtime.confirm(runId, activityId, 'the terminal'),
    stop: (reason) => runtime.stop(runId, reason),
    write: (line) => (progress ? progress.note(line) : process.stderr.write(`${line}\n`)),
    input: process.stdin,
  });
  try {
    progress?.start();
    const run = await runtime.run(compiled.definition, {
      runId,
      testMode: opts.test ?? false,
      variables,
    });
    await progress?.stop();
    const summary = await summarize(runtime.store, runId, order);
    if (opts.json) console.log(jsonText(jsonSummary(summary)));
    else printSummary(summary);
    return run.status === 'completed' ? 0 : 1;
  } finally {
    await unwatch();
    await unwatchConfirmations();
    process.stdin.pause();
    process.off('SIGINT', onSignal);
    await progress?.stop();
    await close();
  }
}

export async function run(file: string, opts: RunCommandOptions): Promise<void> {
  process.exitCode = await runCampaignFile(file, opts);
}
