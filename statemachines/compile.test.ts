/** The compiler's output: valid ASL, JSONPath only, unique names, bounded cost and size. */
import { join } from 'node:path';
import { validateAsl } from '../test/helpers/asl-validator.js';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { validateCampaign } from './validate.js';
import { compileCampaign, CompileError, definitionBytes, MAX_DEFINITION_BYTES } from './compile.js';
import { allStates, decodePlan, successPath } from './asl.js';
import { campaignOfSize, largeCampaign } from '../bench/large-campaign.js';
import { EXAMPLES } from '../test/fixtures/examples.js';

const catalog = loadCatalog(join(import.meta.dirname, '../examples/catalog.yaml'));
const compile = (doc: unknown) => {
  const v = validateCampaign(doc, catalog);
  if (!v.valid) throw new Error(JSON.stringify(v.errors));
  return compileCampaign(v.analysis!);
};

describe('compiler', () => {
  const cases: Array<[string, unknown]> = [
    ...EXAMPLES.map((f) => [f, readDocument(join(import.meta.dirname, '../examples', f))] as [string, unknown]),
    ['a 200-activity campaign', largeCampaign()],
  ];
  for (const [name, doc] of cases) {
    it(`${name}: passes asl-validator, uses JSONPath only, at most 5 transitions per activity (a send: 11)`, () => {
      const c = compile(doc);
      const text = JSON.stringify(c.definition);
      const result = validateAsl(c.definition);
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
      expect(text).not.toMatch(/"QueryLanguage"|"Assign"|"JSONata"|"DISTRIBUTED"|\{%/);
      const names = [...allStates(c.definition)].map(([n]) => n);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n.length).toBeLessThanOrEqual(80);
      // A channel activity's success path: gate, choice, prepare, prepared, confirm choice, confirm, the
      // Map (its chunk states are the iterations'), sent, the output query, record, go on.
      for (const a of (doc as { activities: Array<{ id: string; type: string }> }).activities)
        expect(successPath(c.definition, a.id).length, a.id).toBeLessThanOrEqual(
          ['email', 'sms', 'push'].includes(a.type) ? 11 : 5,
        );
      expect(text.length).toBeLessThan(1_000_000);
    });
  }

  it('series-parallel campaigns keep full concurrency; every enabled activity has its gate', () => {
    const doc = readDocument(join(import.meta.dirname, '../examples/birthday.yaml')) as {
      activities: Array<{ id: string }>;
    };
    const c = compile(doc);
    expect(c.seriesParallel).toBe(true);
    const states = Object.fromEntries(allStates(c.definition));
    for (const a of doc.activities)
      expect(states[a.id], a.id).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      });
    // The fork's two branches are the two branches of one Parallel state.
    const parallels = Object.values(states).filter(
      (s) => s.Type === 'Parallel' && (s.Branches as unknown[]).length === 2,
    );
    expect(parallels.length).toBeGreaterThanOrEqual(1);
  });

  it('a query activity is gate -> choice -> the branch Athena .sync -> record -> on; failures go to the branch handler', () => {
    const c = compile(readDocument(join(import.meta.dirname, '../examples/winback.yaml')));
    const s = Object.fromEntries(allStates(c.definition));
    // The gate names its activity; the settings travel once, in the Start run state's plan.
    expect(s.lapsed).toMatchObject({
      Parameters: { Payload: { step: 'gate', activity: 'lapsed' } },
      Next: 'lapsed ?',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'lapsed failed' }],
    });
    const query = (s['lapsed ?']!.Choices as Array<{ Next: string }>)[0]!.Next;
    expect(s['lapsed ?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'query', Next: expect.stringMatching(/^Run query \d+$/) }],
    });
    expect(s[query]).toMatchObject({
      Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
      Parameters: {
        'QueryString.$': '$.step.sql',
        // biome-ignore-start lint/suspicious/noTemplateCurlyInString: DefinitionSubstitutions placeholders
        WorkGroup: '${AthenaWorkGroup}',
        // Amazon Athena API Reference — StartQueryExecution: without QueryExecutionContext the query runs in
        // `default`; Amazon Athena User Guide — "Specify a query result location": a workgroup that does not
        // enforce its settings takes the location (and its encryption) the query sends.
        QueryExecutionContext: { Database: '${AthenaDatabase}' },
        ResultConfiguration: {
          OutputLocation: '${AthenaResults}',
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
        // biome-ignore-end lint/suspicious/noTemplateCurlyInString: DefinitionSubstitutions placeholders
      },
      Next: expect.stringMatching(/^Record \d+$/),
    });
    const record = s[query]!.Next as string;
    const goOn = s[record]!.Next as string;
    expect(s[goOn]!.Choices).toContainEqual({
      Variable: '$.step.activity.id',
      StringEquals: 'lapsed',
      Next: s['lapsed ?']!.Default,
    });
    // A failed gate says which activity it was; the branch's handler applies the error policy.
    expect(s['lapsed failed']).toMatchObject({
      Type: 'Pass',
      Result: { activity: { id: 'lapsed' } },
      ResultPath: '$.step',
    });
    const failed = s['lapsed failed']!.Next as string;
    expect(s[failed]).toMatchObject({
      Parameters: { Payload: { step: 'fail', 'activity.$': '$.step.activity' } },
      Next: expect.stringMatching(/^Error policy \d+$/),
    });
    expect(s[s[failed]!.Next as string]).toMatchObject({
      Type: 'Choice',
      Default: expect.stringMatching(/^Abort \d+$/),
    });
    expect(successPath(c.definition, 'lapsed')).toEqual(['lapsed', 'lapsed ?', query, record, goOn]);
    expect(successPath(c.definition, 'enough_vips')).toEqual(['enough_vips']);
    expect(successPath(c.definition, 'done')).toEqual(['done']);
  });

  it('the suspend policy adds a wait for resume after a failure, then the activity runs again', () => {
    const doc = readDocument(join(import.meta.dirname, '../examples/crosssell.yaml')) as Record<string, unknown>;
    const c = compile({ ...doc, errorPolicy: { onError: 'suspend' } });
    const s = Object.fromEntries(allStates(c.definition));
    const suspended = Object.keys(s).find((n) => /^Suspended \d+$/.test(n))!;
    expect(s[suspended]).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { Payload: { step: 'suspended', 'activity.$': '$.step.activity' } },
    });
    expect(s[s[suspended]!.Next as string]!.Choices).toContainEqual({
      Variable: '$.step.activity.id',
      StringEquals: 'buyers',
      Next: 'buyers',
    });
  });

  it('disabled activities have no states', () => {
    const doc = readDocument(join(import.meta.dirname, '../examples/crosssell.yaml')) as {
      activities: Array<Record<string, unknown>>;
    };
    doc.activities.find((a) => a.id === 'score')!.disabled = true;
    const names = [...allStates(compile(doc).definition)].map(([n]) => n);
    expect(names.filter((n) => n.startsWith('score'))).toEqual([]);
    expect(names).toContain('segments');
  });

  // "AWS Step Functions Developer Guide — Quotas": a state machine definition is at most 1 MB.
  describe("Step Functions' 1 MB definition limit", () => {
    it('is 1 MB, measured with the longest names a deployment can substitute', () => {
      expect(MAX_DEFINITION_BYTES).toBe(1024 * 1024);
      const c = compile(readDocument(join(import.meta.dirname, '../examples/winback.yaml')));
      expect(c.bytes).toBe(definitionBytes(c.definition));
      expect(c.bytes).toBeGreaterThan(Buffer.byteLength(JSON.stringify(c.definition)));
    });

    it('a 200-activity campaign fits', () => {
      expect(compile(largeCampaign()).bytes).toBeLessThan(MAX_DEFINITION_BYTES);
    });

    // The hosted anchor allows 500 activities per campaign (validation refuses more).
    it('500 activities fit with margin: the benchmark campaign, and query activities with several inputs', () => {
      expect(compile(campaignOfSize(500)).bytes).toBeLessThan(1_000_000);
      expect(compile(queryBlocks(100)).bytes).toBeLessThan(1_000_000);
    });

    it('the settings travel once, compressed, in the Start run state, and decode to each activity', () => {
      const c = compile(queryBlocks(2));
      const start = c.definition.States['Start run']!.Parameters as { Payload: { plan: string } };
      const plan = decodePlan(start.Payload.plan);
      expect(Object.keys(plan).sort()).toEqual(['b0', 'b1', 'd0', 'd1', 'e0', 'e1', 's0', 's1', 'u0', 'u1']);
      expect(plan.u0!.activity).toMatchObject({ id: 'u0', type: 'combine', operation: 'union' });
      expect(plan.u0!.inbound.map((t) => t.output).sort()).toEqual(['a', 'b', 'c']);
      expect(plan.u0!.outbound).toEqual([{ transition: 'u0-e0', output: 'main', to: 'e0' }]);
    });

    it('a campaign whose machine would not fit is refused with a CompileError naming the limit', () => {
      // 250 two-activity branches: each Parallel branch has its own shared states.
      const v = validateCampaign(tinyBranches(250), catalog);
      expect(v.valid).toBe(true);
      expect(() => compileCampaign(v.analysis!)).toThrow(CompileError);
      expect(() => compileCampaign(v.analysis!)).toThrow(
        /^the compiled state machine of 500 activities is \d+ KB, over Step Functions' limit of 1 MB per definition: split the campaign/,
      );
      const small = validateCampaign(readDocument(join(import.meta.dirname, '../examples/winback.yaml')), catalog);
      expect(() => compileCampaign(small.analysis!, { maxDefinitionBytes: 10_000 })).toThrow(
        /is \d+ KB, over Step Functions' limit of 10 KB per definition/,
      );
    });
  });
});

/** Independent blocks of query activities: build -> split (3 subsets) -> union of the 3 -> enrich -> dedup. */
function queryBlocks(blocks: number): Record<string, unknown> {
  const activities: unknown[] = [];
  const transitions: unknown[] = [];
  for (let k = 0; k < blocks; k++) {
    activities.push(
      { id: `b${k}`, type: 'buildAudience', query: { attribute: 'country', operator: 'in', value: ['FR', 'DE'] } },
      {
        id: `s${k}`,
        type: 'split',
        subsets: [{ id: 'a', limit: { percent: 10 } }, { id: 'b', limit: { count: 100 } }, { id: 'c' }],
      },
      { id: `u${k}`, type: 'combine', operation: 'union' },
      { id: `e${k}`, type: 'enrichment', attributes: ['email', 'first_name', 'loyalty_tier'] },
      { id: `d${k}`, type: 'deduplication', fields: ['email'] },
    );
    transitions.push(
      { from: `b${k}`, to: `s${k}` },
      ...['a', 'b', 'c'].map((output) => ({ from: `s${k}`, output, to: `u${k}` })),
      { from: `u${k}`, to: `e${k}` },
      { from: `e${k}`, to: `d${k}` },
    );
  }
  return { id: 'queries', label: 'Query blocks', dimension: 'recipients', activities, transitions };
}

/** Independent two-activity branches: build -> end. */
function tinyBranches(n: number): Record<string, unknown> {
  const activities = Array.from({ length: n }, (_, k) => [
    { id: `b${k}`, type: 'buildAudience', query: { attribute: 'country', operator: 'equal', value: 'FR' } },
    { id: `e${k}`, type: 'end' },
  ]).flat();
  const transitions = Array.from({ length: n }, (_, k) => ({ from: `b${k}`, to: `e${k}` }));
  return { id: 'tiny', label: 'Tiny branches', dimension: 'recipients', activities, transitions };
}
