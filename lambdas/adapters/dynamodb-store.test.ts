/** The DynamoDB repository against dynalite on loopback: the same code the Lambdas run. */
import { describe, expect, it } from 'vitest';
import { useDynaliteStore } from '../../test/helpers/dynalite.js';

const store = useDynaliteStore();

const run = (runId: string, startedAt: string, campaignId = 'c') => ({
  runId,
  campaignId,
  status: 'running' as const,
  startedAt,
  testMode: false,
  variables: {},
});

describe('DynamoDbStore on dynalite', () => {
  it('creates a run once; updates are conditional on the status', async () => {
    await store.createRun(run('r1', '2026-11-22T10:00:00.000Z'));
    await expect(store.createRun(run('r1', '2026-11-22T10:00:00.000Z'))).rejects.toThrow(/conditional/i);
    expect(await store.updateRun('r1', { status: 'paused', pausedReason: 'user' }, ['running'])).toBe(true);
    expect(await store.updateRun('r1', { status: 'paused' }, ['running'])).toBe(false);
    expect(await store.updateRun('r1', { status: 'running', pausedReason: undefined }, ['paused'])).toBe(true);
    const r = await store.getRun('r1');
    expect(r).toMatchObject({ status: 'running' });
    expect(r!.pausedReason).toBeUndefined();
    expect(await store.updateRun('nope', { status: 'failed' })).toBe(false);
  });

  it('counts consecutive errors atomically', async () => {
    await store.createRun(run('r2', '2026-11-22T11:00:00.000Z'));
    expect(
      await Promise.all([store.countError('r2', 1), store.countError('r2', 1), store.countError('r2', 1)]).then((v) =>
        v.sort(),
      ),
    ).toEqual([1, 2, 3]);
    expect(await store.countError('r2', 0)).toBe(0);
  });

  it("lists a campaign's runs, and recent runs, newest first by start time", async () => {
    await store.createRun(run('zzz-old', '2026-11-20T09:00:00.000Z', 'other'));
    await store.createRun(run('aaa-new', '2026-11-23T09:00:00.000Z', 'other'));
    expect((await store.listRuns('other')).map((r) => r.runId)).toEqual(['aaa-new', 'zzz-old']);
    expect((await store.recentRuns(2)).map((r) => r.runId)).toEqual(['aaa-new', 'r2']);
  });

  it('activities: counters add up; transitions in batches beyond 25 and 100', async () => {
    await store.putActivities('r1', [{ activityId: 'a', type: 'split', status: 'pending', tasks: 0 }]);
    await store.updateActivity('r1', 'a', { status: 'running', addTasks: 1 });
    const a = await store.updateActivity('r1', 'a', { status: 'done', addTasks: 1, addAttempts: 1, error: undefined });
    expect(a).toMatchObject({ status: 'done', tasks: 2, attempts: 1 });
    const many = Array.from({ length: 130 }, (_, i) => ({
      transitionId: `t${i}`,
      from: 'a',
      output: `s${i}`,
      to: 'b',
      active: i % 2 === 0,
      rows: i,
      dimension: 'recipients',
      location: 'work/c/r1/a',
      table: 'w',
      columns: [{ name: 'id', type: 'integer' as const }],
      at: 'now',
    }));
    await store.putTransitions('r1', many);
    const got = await store.getTransitions(
      'r1',
      many.map((t) => t.transitionId),
    );
    expect(got.size).toBe(130);
    expect(got.get('t129')).toMatchObject({ rows: 129, active: false, columns: [{ name: 'id', type: 'integer' }] });
    expect((await store.listTransitions('r1')).length).toBe(130);
  });

  it('keeps the log in order, readable from a point on', async () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, 0, ms)).toISOString();
    await store.log('r2', [
      { at: at(5), level: 'info', message: 'second' },
      { at: at(1), level: 'info', message: 'first' },
    ]);
    await store.putMany('r2', {
      logs: [{ at: at(9), level: 'error', activity: 'x', message: 'third' }],
      tasks: [{ activityId: 'x', startedAt: at(2), status: 'failed' }],
    });
    const logs = await store.listLogs('r2');
    expect(logs.map((l) => l.message)).toEqual(['first', 'second', 'third']);
    expect((await store.listLogs('r2', { after: logs[0]!.id })).map((l) => l.message)).toEqual(['second', 'third']);
    expect(await store.listTasks('r2')).toEqual([{ activityId: 'x', startedAt: at(2), status: 'failed' }]);
  });

  it('an audience points at one version at a time; history and parked tokens', async () => {
    const version = (runId: string) => ({
      name: 'vip',
      dimension: 'recipients',
      location: `audiences/vip/${runId}`,
      table: 't',
      columns: [],
      rows: 3,
      campaignId: 'c',
      runId,
      savedAt: 'now',
    });
    await store.putAudience(version('r1'));
    await store.putAudience(version('r2'));
    expect((await store.getAudience('vip'))!.runId).toBe('r2');
    await store.addHistory('c', 'inc', { runId: 'r1', at: 'a', location: 'l', table: 't', rows: 1, columns: [] }, 'a');
    await store.addHistory('c', 'inc', undefined, 'b');
    expect(await store.getHistory('c', 'inc')).toEqual({
      lastRunAt: 'b',
      entries: [{ runId: 'r1', at: 'a', location: 'l', table: 't', rows: 1, columns: [] }],
    });
    await store.park({ runId: 'r1', activityId: 'g', kind: 'gate', token: 'tok', event: { step: 'gate' } });
    expect(await store.parked('r1')).toEqual([
      { runId: 'r1', activityId: 'g', kind: 'gate', token: 'tok', event: { step: 'gate' } },
    ]);
    expect(await Promise.all([store.unpark('r1', 'g'), store.unpark('r1', 'g')]).then((v) => v.sort())).toEqual([
      false,
      true,
    ]);
    expect(await store.parked('r1')).toEqual([]);
  });
});
