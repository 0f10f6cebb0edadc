/** The cloud purge: old runs' objects and the Glue tables over them, the last run and recent runs kept. */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchDeleteTableCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import type { CampaignRecord, LogEntry, RunRecord } from '../ports/store.js';
import { cloudPurge } from './purge.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const run = (runId: string, status: RunRecord['status'], endedDaysAgo: number): RunRecord => ({
  runId,
  campaignId: 'c',
  status,
  startedAt: daysAgo(endedDaysAgo + 1),
  endedAt: daysAgo(endedDaysAgo),
  testMode: false,
  variables: {},
});

function fakeStore(runs: RunRecord[], definition: unknown = {}) {
  const updates: Array<[string, Partial<RunRecord>]> = [];
  const logs: Array<[string, LogEntry | LogEntry[]]> = [];
  return {
    updates,
    logs,
    listCampaigns: async () => [{ id: 'c', definition } as CampaignRecord],
    listRuns: async () => runs,
    updateRun: async (runId: string, patch: Partial<RunRecord>) => {
      updates.push([runId, patch]);
      return true;
    },
    log: async (runId: string, entries: LogEntry | LogEntry[]) => {
      logs.push([runId, entries]);
    },
    // vip was saved again by the last run; loyal's current version is the one the old run saved.
    getAudience: async (name: string) => {
      const location = (
        { vip: 'audiences/vip/last-save', loyal: 'audiences/loyal/old-save' } as Record<string, string>
      )[name];
      if (!location) return undefined;
      const population = {
        location,
        table: 'a',
        output: 'main',
        rows: 1,
        dimension: 'recipients',
        keys: ['id'],
        columns: [],
      };
      return { name, campaignId: 'c', runId: 'x', savedAt: NOW.toISOString(), population };
    },
  };
}

const table = (Name: string, location: string) => ({
  Name,
  DatabaseName: 'orca',
  StorageDescriptor: { Location: `s3://orca-data/${location}` },
});

describe('the cloud purge (lambdas/entry/purge.ts)', () => {
  it("removes an old run's Glue tables (w_, t_, a_ of audience versions no longer current) and objects, keeps the last run, running runs, recent runs and other tables", async () => {
    const glue = mockClient(GlueClient);
    glue.on(GetTablesCommand).resolves({
      TableList: [
        table('w_c_old_a_1', 'work/c/old/a/'),
        table('t_work_c_old_a_main_2', 'work/c/old/a/orca_output=main'),
        table('w_c_old2_a_3', 'work/c/old2/a/'),
        table('w_c_last_a_4', 'work/c/last/a/'),
        table('recipients', 'catalog/recipients/'),
        table('a_vip_old_save_5', 'audiences/vip/old-save'),
        table('a_vip_last_save_6', 'audiences/vip/last-save'),
        table('a_loyal_old_save_7', 'audiences/loyal/old-save/'),
      ],
    });
    glue.on(BatchDeleteTableCommand).resolves({ Errors: [] });
    const removed: string[] = [];
    const store = fakeStore([
      run('last', 'completed', 90),
      run('old', 'completed', 40),
      run('recent', 'failed', 10),
      run('busy', 'running', 50),
    ]);
    const r = await cloudPurge({
      store,
      engine: { remove: async (location) => void removed.push(location) },
      glue: new GlueClient({ region: 'eu-west-1' }),
      bucket: 'orca-data',
      database: 'orca',
      defaultRetentionDays: 30,
      now: () => NOW,
    });
    expect(r.purged).toEqual(['old']);
    expect(removed).toEqual(['audiences/vip/old-save', 'work/c/old']);
    const deletes = glue.commandCalls(BatchDeleteTableCommand).map((c) => c.args[0].input);
    // work/c/old2/ is another run: a prefix match on the folder, not on the name.
    // An audience version the old run saved goes unless it is still the audience's current one.
    expect(deletes).toEqual([
      { DatabaseName: 'orca', TablesToDelete: ['w_c_old_a_1', 't_work_c_old_a_main_2', 'a_vip_old_save_5'] },
    ]);
    expect(store.updates).toEqual([['old', { purged: true }]]);
    glue.restore();
  });

  it("a campaign's retentionDays wins over the deployment's; a Glue refusal fails the purge before the objects go", async () => {
    const glue = mockClient(GlueClient);
    glue.on(GetTablesCommand).resolves({ TableList: [table('w_c_old_a_1', 'work/c/old/a/')] });
    glue.on(BatchDeleteTableCommand).resolves({
      Errors: [{ TableName: 'w_c_old_a_1', ErrorDetail: { ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' } }],
    });
    const removed: string[] = [];
    const deps = {
      store: fakeStore([run('last', 'completed', 1), run('old', 'completed', 8)], { retentionDays: 7 }),
      engine: { remove: async (location: string) => void removed.push(location) },
      glue: new GlueClient({ region: 'eu-west-1' }),
      bucket: 'orca-data',
      database: 'orca',
      defaultRetentionDays: 30,
      now: () => NOW,
    };
    await expect(cloudPurge(deps)).rejects.toThrow(/Glue refused to delete w_c_old_a_1 \(no\)/);
    expect(removed).toEqual([]);
    glue.restore();
  });
});
