/**
 * What the integration test compares the cloud run with: the flagship campaign run by the
 * embedded runtime (DuckDB, dynalite, the local Step Functions runner) on the same generated data.
 */
import '../../lambdas/util/polyfills.js';
import { join } from 'node:path';
import { loadCatalog } from '../../lambdas/catalog/catalog.js';
import { readDocument } from '../../lambdas/util/files.js';
import { compileCampaign } from '../../statemachines/compile.js';
import { validateCampaign } from '../../statemachines/validate.js';
import { LocalRuntime } from '../../runtime/local-runtime.js';
import { generateSampleData } from '../../sampledata/generate.js';
import { FLAGSHIP, ROOT } from './app.js';

/** The data set: a few hundred profiles, fixed seed, dated from `asOf` (the day of the run). */
export async function generateIntegData(dataRoot: string, asOf: string, profiles = 400): Promise<void> {
  await generateSampleData({ dataRoot, profiles, seed: 9, asOf });
}

/** Runs the flagship locally on `dataRoot`; the row count of each transition that carried a population. */
export async function embeddedCounts(dataRoot: string): Promise<Record<string, number>> {
  const catalog = loadCatalog(join(ROOT, 'examples/catalog.yaml'));
  const result = validateCampaign(readDocument(FLAGSHIP), catalog);
  if (!result.valid || !result.analysis) throw new Error(`winback.yaml: ${JSON.stringify(result.errors)}`);
  const runtime = await LocalRuntime.open({ dataRoot, catalog, memoryStore: true });
  try {
    const run = await runtime.run(compileCampaign(result.analysis).definition, { trigger: 'schedule' });
    if (run.status !== 'completed') throw new Error(`the embedded run ended ${run.status}: ${run.error ?? ''}`);
    const transitions = await runtime.store.listTransitions(run.runId);
    return Object.fromEntries(
      transitions.flatMap((t) => (t.active && t.population ? [[t.transitionId, t.population.rows]] : [])),
    );
  } finally {
    await runtime.close();
  }
}
