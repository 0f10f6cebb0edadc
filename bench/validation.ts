/**
 * Benchmark: validating a 200-activity campaign and compiling all its queries (floor: 200 ms).
 * Prints the median and the worst of repeated runs after a warm-up, for each dialect.
 */
import { join } from 'node:path';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { AthenaDialect, DuckDbDialect } from '../lambdas/sql/dialect.js';
import { validateCampaign } from '../statemachines/validate.js';
import { largeCampaign } from './large-campaign.js';

export function benchValidation(root: string, runs = 30): { activities: number; medianMs: number; maxMs: number } {
  const catalog = loadCatalog(join(root, 'examples/catalog.yaml'));
  const doc = largeCampaign();
  const activities = (doc.activities as unknown[]).length;
  const times: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const dialect = i % 2 ? new AthenaDialect({ database: 'orca' }) : new DuckDbDialect('/data');
    const started = performance.now();
    const r = validateCampaign(doc, catalog, { dialect });
    const ms = performance.now() - started;
    if (!r.valid) throw new Error(`the benchmark campaign is invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
    const queries = [...r.analysis!.nodes.values()].filter((n) => n.valid && n.plan?.action.type === 'query').length;
    if (queries < 150) throw new Error(`only ${queries} queries compiled`);
    if (i >= 5) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { activities, medianMs: times[Math.floor(times.length / 2)]!, maxMs: times[times.length - 1]! };
}
