/**
 * A start that fails (after its retries) ends its run on the embedded runtime: `Start run` catches
 * the error, `Start failed` records the run as failed with the start's error, and the execution
 * ends in `Campaign failed`. Nothing stays `running`, whether the run record existed or not.
 */
import { join } from 'node:path';
import { validateAsl } from '../test/helpers/asl-validator.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { openRuntime, runCampaign } from '../test/helpers/runtime.js';
import type { LocalRuntime } from './local-runtime.js';
import { validateCampaign } from '../statemachines/validate.js';
import { compileCampaign } from '../statemachines/compile.js';
import { PLACEHOLDERS } from '../statemachines/asl.js';

const catalog = loadCatalog(join(import.meta.dirname, '../examples/catalog.yaml'));
const doc = {
  id: 'startfail',
  label: 'A start that fails',
  variables: { country: { type: 'string', default: 'FR' } },
  activities: [
    { id: 'all', type: 'buildAudience', query: { attribute: 'country', operator: 'equal', value: '{{country}}' } },
    { id: 'done', type: 'end' },
  ],
  transitions: [{ from: 'all', to: 'done' }],
};

let rt: LocalRuntime;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ rt, close } = await openRuntime(catalog));
});
afterAll(() => close());

describe('a failed start', () => {
  it('the compiled machine catches it: Start failed records the run, then Campaign failed', () => {
    const v = validateCampaign({ ...doc, dimension: 'recipients', timezone: 'UTC' }, catalog);
    const { definition } = compileCampaign(v.analysis!);
    const result = validateAsl(definition);
    expect(result.errors).toEqual([]);
    expect(definition.States['Start run']).toMatchObject({
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Start failed' }],
    });
    expect(definition.States['Start failed']).toMatchObject({
      Parameters: {
        FunctionName: PLACEHOLDERS.control,
        Payload: { step: 'startFailed', 'input.$': '$', 'execution.$': '$$.Execution.Name', 'error.$': '$.error' },
      },
      Next: 'Campaign failed',
    });
    expect(definition.States['Campaign failed']).toMatchObject({ Type: 'Fail' });
  });

  it('an unknown variable: the run fails with the start error, and says so in its log', async () => {
    const r = await runCampaign(rt, catalog, doc, { variables: { nope: 1 } });
    expect(r.run).toMatchObject({ status: 'failed', endedAt: expect.any(String) });
    expect(r.run.error).toBe("unknown variable 'nope'; the campaign declares: country");
    const logs = await rt.store.listLogs(r.run.runId);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(/^run failed after [\d.]+ s: unknown variable 'nope'/),
    ]);
    // The run is over: its activities never started, not run (not left pending).
    expect((await r.activity('all')).status).toBe('notRun');
  });

  it('a store error before the run record exists: the run is created, failed, with the error', async () => {
    const createRun = vi
      .spyOn(rt.store, 'createRun')
      .mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException: the table is busy'));
    try {
      const r = await runCampaign(rt, catalog, doc, { runId: 'startfail-store', trigger: 'schedule' });
      expect(createRun).toHaveBeenCalledTimes(2);
      expect(r.run).toMatchObject({
        runId: 'startfail-store',
        campaignId: 'startfail',
        campaignLabel: 'A start that fails',
        status: 'failed',
        trigger: 'schedule',
        error: 'ProvisionedThroughputExceededException: the table is busy',
        endedAt: expect.any(String),
      });
      const logs = await rt.store.listLogs('startfail-store');
      expect(logs.map((l) => [l.level, l.message])).toEqual([
        ['error', 'run failed to start: ProvisionedThroughputExceededException: the table is busy'],
      ]);
    } finally {
      createRun.mockRestore();
    }
  });
});
