/** Every example is valid, and every activity's SQL compiles in both dialects. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { AthenaDialect, DuckDbDialect } from '../lambdas/sql/dialect.js';
import { ACTIVITIES } from '../lambdas/activities/index.js';
import { validateCampaign } from '../statemachines/validate.js';
import { EXAMPLES, EXAMPLES_DIR } from './fixtures/examples.js';

const dir = EXAMPLES_DIR;
const catalog = loadCatalog(join(dir, 'catalog.yaml'));

describe('examples', () => {
  it('cover every targeting and flow-control activity type', () => {
    const used = new Set(
      EXAMPLES.flatMap((f) =>
        (readDocument(join(dir, f)) as { activities: Array<{ type: string }> }).activities.map((a) => a.type),
      ),
    );
    const needed = [...ACTIVITIES.values()].filter((m) => m.category !== 'channel').map((m) => m.type);
    expect(needed.filter((t) => !used.has(t))).toEqual([]);
  });

  for (const f of EXAMPLES) {
    it(`${f} is valid in both dialects, with no warnings`, () => {
      for (const dialect of [new DuckDbDialect('/data'), new AthenaDialect({ database: 'orca' })]) {
        const r = validateCampaign(readDocument(join(dir, f)), catalog, { dialect });
        expect(r.errors).toEqual([]);
        expect(r.warnings).toEqual([]);
        for (const node of r.analysis!.nodes.values()) expect(node.valid && node.plan, node.def.id).toBeTruthy();
      }
    });
  }
});

describe('JSON Schema', () => {
  it('schemas/campaign.schema.json is the one generated from the zod schemas (run `npm run schema` after changing them)', async () => {
    const { readFileSync } = await import('node:fs');
    const { campaignJsonSchema } = await import('../statemachines/campaign.js');
    expect(JSON.parse(readFileSync(join(import.meta.dirname, '../schemas/campaign.schema.json'), 'utf8'))).toEqual(
      campaignJsonSchema(),
    );
  });
});
