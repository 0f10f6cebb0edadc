/** The compiler's output: valid ASL, JSONPath only, unique names, bounded cost and size. */
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { validateCampaign } from './validate.js';
import { compileCampaign, CompileError, definitionBytes, MAX_DEFINITION_BYTES } from './compile.js';
import { allStates, successPath } from './asl.js';
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
    it(`${name}: passes asl-validator, uses JSONPath only, at most 5 transitions per activity`, () => {
      const c = compile(doc);
      const text = JSON.stringify(c.definition);
      // asl-validator adds defaults to what it checks: give it a copy.
      const result = aslValidator(JSON.parse(text), { checkArn: true, checkPaths: true });
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
      expect(text).not.toMatch(/"QueryLanguage"|"Assign"|"JSONata"|"DISTRIBUTED"|\{%/);
      const names = [...allStates(c.definition)].map(([n]) => n);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n.length).toBeLessThanOrEqual(80);
      for (const a of (doc as { activities: Array<{ id: string }> }).activities)
        expect(successPath(c.definition, a.id).length, a.id).toBeLessThanOrEqual(5);
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

  it('a query activity is gate -> choice -> Athena .sync -> record; failures go to the failure handler', () => {
    const c = compile(readDocument(join(import.meta.dirname, '../examples/winback.yaml')));
    const s = Object.fromEntries(allStates(c.definition));
    expect(s.lapsed).toMatchObject({
      Next: 'lapsed ?',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'lapsed failed' }],
    });
    expect(s['lapsed ?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.step.action', StringEquals: 'query', Next: 'lapsed query' }],
    });
    expect(s['lapsed query']).toMatchObject({
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
      Next: 'lapsed record',
    });
    expect(s['lapsed failed ?']).toMatchObject({ Type: 'Choice', Default: expect.stringMatching(/^Abort \d+$/) });
    expect(successPath(c.definition, 'lapsed')).toEqual(['lapsed', 'lapsed ?', 'lapsed query', 'lapsed record']);
    expect(successPath(c.definition, 'enough_vips')).toEqual(['enough_vips']);
    expect(successPath(c.definition, 'done')).toEqual(['done']);
  });

  it('the suspend policy adds a wait for resume after a failure', () => {
    const doc = readDocument(join(import.meta.dirname, '../examples/crosssell.yaml')) as Record<string, unknown>;
    const c = compile({ ...doc, errorPolicy: { onError: 'suspend' } });
    const s = Object.fromEntries(allStates(c.definition));
    expect(s['buyers suspended']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Next: 'buyers',
    });
  });

  it('disabled activities have no states; channels cannot run yet', () => {
    const doc = readDocument(join(import.meta.dirname, '../examples/crosssell.yaml')) as {
      activities: Array<Record<string, unknown>>;
    };
    doc.activities.find((a) => a.id === 'score')!.disabled = true;
    const names = [...allStates(compile(doc).definition)].map(([n]) => n);
    expect(names.filter((n) => n.startsWith('score'))).toEqual([]);
    expect(names).toContain('segments');
    const withEmail = {
      id: 'mail',
      label: 'Mail',
      dimension: 'recipients',
      activities: [
        { id: 'a', type: 'buildAudience' },
        { id: 'm', type: 'email', from: 'x@example.com', subject: 'Hi {{first_name}}', text: 'Hello' },
      ],
      transitions: [{ from: 'a', to: 'm' }],
    };
    const v = validateCampaign(withEmail, catalog);
    expect(v.valid).toBe(true);
    expect(() => compileCampaign(v.analysis!)).toThrow(CompileError);
    expect(() => compileCampaign(v.analysis!)).toThrow(
      "activity 'm': sending email messages is not available yet; disable it to run the rest of the campaign",
    );
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

    it('a campaign whose machine would not fit is refused with a CompileError naming the limit', () => {
      const v = validateCampaign(campaignOfSize(300), catalog);
      expect(v.valid).toBe(true);
      expect(() => compileCampaign(v.analysis!)).toThrow(CompileError);
      expect(() => compileCampaign(v.analysis!)).toThrow(
        /^the compiled state machine of 300 activities is \d+ KB, over Step Functions' limit of 1 MB per definition: split the campaign/,
      );
      const small = validateCampaign(readDocument(join(import.meta.dirname, '../examples/winback.yaml')), catalog);
      expect(() => compileCampaign(small.analysis!, { maxDefinitionBytes: 10_000 })).toThrow(
        /is \d+ KB, over Step Functions' limit of 10 KB per definition/,
      );
    });
  });
});
