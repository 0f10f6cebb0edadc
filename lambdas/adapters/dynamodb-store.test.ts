/** The DynamoDB repository against dynalite on loopback: the same code the Lambdas run. */
import { describe, expect, it } from 'vitest';
import { useDynalite } from '../../test/helpers/dynalite.js';
import type { TransitionRecord } from '../ports/store.js';
import { population } from '../sql/population.js';

const { store, putItem } = useDynalite();

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
    const many: TransitionRecord[] = Array.from({ length: 130 }, (_, i) => ({
      transitionId: `t${i}`,
      from: 'a',
      output: `s${i}`,
      to: 'b',
      active: i % 2 === 0,
      population: population(
        { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] },
        { location: 'work/c/r1/a', table: 'w', output: `s${i}`, rows: i },
      ),
      at: 'now',
    }));
    await store.putTransitions('r1', many);
    const got = await store.getTransitions(
      'r1',
      many.map((t) => t.transitionId),
    );
    expect(got.size).toBe(130);
    expect(got.get('t129')).toMatchObject({
      active: false,
      population: { rows: 129, columns: [{ name: 'id', type: 'integer' }] },
    });
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
      campaignId: 'c',
      runId,
      savedAt: 'now',
      population: {
        dimension: 'recipients',
        columns: [],
        location: `audiences/vip/${runId}`,
        table: 't',
        output: 'main',
        rows: 3,
      },
    });
    await store.putAudience(version('r1'));
    await store.putAudience(version('r2'));
    expect((await store.getAudience('vip'))!.runId).toBe('r2');
    const kept = { dimension: null, columns: [], location: 'l', table: 't', output: 'main', rows: 1 };
    await store.addHistory('c', 'inc', { runId: 'r1', at: 'a', population: kept }, 'a');
    await store.addHistory('c', 'inc', undefined, 'b');
    expect(await store.getHistory('c', 'inc')).toEqual({
      lastRunAt: 'b',
      entries: [{ runId: 'r1', at: 'a', population: kept }],
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

  it('round-trips populations: stored names, a forwarded partition, control flow only, inactive', async () => {
    const columns = [
      { name: 'id', type: 'integer' as const },
      { name: 'email', type: 'string' as const },
    ];
    const at = { location: 'work/c/r5/q', table: 'w_q', output: 'main', rows: 7 };
    const records: TransitionRecord[] = [
      {
        transitionId: 'q-main',
        from: 'q',
        output: 'main',
        to: 'w',
        active: true,
        population: population({ dimension: 'recipients', columns, stored: { email: 'c1' } }, at),
        at: 't1',
      },
      // A wait forwards q's population: its output 'main' carries q's partition 'complement'.
      {
        transitionId: 'w-main',
        from: 'w',
        output: 'main',
        to: 'e',
        active: true,
        population: population({ dimension: null, columns }, { ...at, output: 'complement' }),
        at: 't2',
      },
      { transitionId: 'start', from: 's', output: 'main', to: 'w', active: true, population: null, at: 't0' },
      { transitionId: 'off', from: 'b', output: 'other', to: 'e', active: false, population: null, at: 't3' },
    ];
    await store.putMany('r5', { transitions: records });
    expect(await store.listTransitions('r5')).toEqual(
      [...records].sort((a, b) => a.transitionId.localeCompare(b.transitionId)),
    );
    expect((await store.getTransitions('r5', ['w-main'])).get('w-main')).toEqual(records[1]);

    const audience = {
      name: 'kept',
      campaignId: 'c',
      runId: 'r5',
      savedAt: 'now',
      population: {
        ...population({ dimension: 'recipients', columns, stored: { email: 'c1' } }, at),
        dimension: 'recipients',
      },
    };
    await store.putAudience(audience);
    expect(await store.getAudience('kept')).toEqual(audience);
    const entry = { runId: 'r5', at: 'then', population: population({ dimension: 'recipients', columns }, at) };
    await store.addHistory('c', 'again', entry, 'then');
    expect(await store.getHistory('c', 'again')).toEqual({ lastRunAt: 'then', entries: [entry] });
  });

  it('an item that does not match its record is an error naming its key', async () => {
    const good = {
      transitionId: 't1',
      from: 'a',
      output: 'main',
      to: 'b',
      active: true,
      population: { dimension: 'recipients', columns: [], location: 'l', table: 't', output: 'main', rows: 1 },
      at: 'now',
    };
    await putItem({ pk: 'RUN#bad', sk: 'TR#t1', ...good, population: { ...good.population, rows: 'many' } });
    const message =
      /^status store: item RUN#bad \/ TR#t1 does not match a transition record: population\.rows: expected number, received string$/;
    await expect(store.listTransitions('bad')).rejects.toThrow(message);
    await expect(store.getTransitions('bad', ['t1'])).rejects.toThrow(message);

    await putItem({ pk: 'RUN#bad', sk: 'RUN', runId: 'bad', campaignId: 'c', status: 'lost', startedAt: 'now' });
    await expect(store.getRun('bad')).rejects.toThrow(
      /^status store: item RUN#bad \/ RUN does not match a run record: status: expected one of .*; testMode: expected boolean, received undefined; variables: expected record, received undefined$/,
    );

    const { dimension: _, ...noDimension } = good.population;
    await putItem({
      pk: 'AUDIENCE#broken',
      sk: 'AUDIENCE',
      name: 'broken',
      campaignId: 'c',
      runId: 'r',
      savedAt: 'now',
      population: noDimension,
    });
    await expect(store.getAudience('broken')).rejects.toThrow(
      'status store: item AUDIENCE#broken / AUDIENCE does not match a saved audience record: population.dimension: expected string, received undefined',
    );

    await putItem({ pk: 'RUN#bad', sk: 'ACT#x', activityId: 'x', type: 'split', status: 'pending', tasks: 'two' });
    await expect(store.updateActivity('bad', 'x', { status: 'running' })).rejects.toThrow(
      'status store: item RUN#bad / ACT#x does not match an activity record: tasks: expected number, received string',
    );
  });

  it('reads items written before populations had one type in the current shape', async () => {
    const columns = [{ name: 'id', type: 'integer' }];
    const flat = { location: 'work/c/old/a', table: 'w_a', rows: 4, columns, dimension: 'recipients' };
    const base = { from: 'a', to: 'b', at: 'then' };
    await putItem({ pk: 'RUN#old', sk: 'TR#t1', transitionId: 't1', output: 'main', active: true, ...base, ...flat });
    await putItem({
      pk: 'RUN#old',
      sk: 'TR#t2',
      transitionId: 't2',
      output: 'other',
      active: false,
      ...base,
      ...flat,
      rows: 0,
      dimension: null,
      location: '-',
      table: '-',
      columns: [],
    });
    expect(await store.listTransitions('old')).toEqual([
      { transitionId: 't1', output: 'main', active: true, ...base, population: { ...flat, output: 'main' } },
      { transitionId: 't2', output: 'other', active: false, ...base, population: null },
    ]);
    await putItem({
      pk: 'AUDIENCE#old',
      sk: 'AUDIENCE',
      name: 'old',
      campaignId: 'c',
      runId: 'old',
      savedAt: 'then',
      ...flat,
    });
    expect((await store.getAudience('old'))!.population).toEqual({ ...flat, output: 'main' });
    const { dimension: _, ...noDimension } = flat;
    await putItem({ pk: 'HISTORY#c#old', sk: 'RUN#old', runId: 'old', at: 'then', ...noDimension });
    expect((await store.getHistory('c', 'old')).entries).toEqual([
      { runId: 'old', at: 'then', population: { ...noDimension, dimension: null, output: 'main' } },
    ]);
  });
});

describe("a campaign's run register (conditional writes only)", () => {
  it('an exclusive run holds it alone; others wait for its release; a run may claim again', async () => {
    expect(await store.claimRun('reg', 'a', true)).toEqual({ ok: true });
    expect(await store.claimRun('reg', 'a', true)).toEqual({ ok: true });
    expect(await store.claimRun('reg', 'b', true)).toEqual({ ok: false, reason: 'busy', holders: ['a'] });
    expect(await store.claimRun('reg', 'c', false)).toEqual({ ok: false, reason: 'busy', holders: ['a'] });
    expect(await store.campaignRuns('reg')).toEqual({ running: ['a'], exclusive: 'a' });
    await store.releaseRun('reg', 'a');
    await store.releaseRun('reg', 'a');
    expect(await store.campaignRuns('reg')).toEqual({ running: [] });
    expect(await store.claimRun('reg', 'c', false)).toEqual({ ok: true });
    expect(await store.claimRun('reg', 'd', false)).toEqual({ ok: true });
    // Not alone: an exclusive run is refused while others run.
    expect(await store.claimRun('reg', 'e', true)).toEqual({ ok: false, reason: 'busy', holders: ['c', 'd'] });
    await store.releaseRun('reg', 'c');
    await store.releaseRun('reg', 'd');
    expect(await store.claimRun('reg', 'e', true)).toEqual({ ok: true });
  });

  it('a deletion closes it only when no run holds it; then every start is refused until the id is created again', async () => {
    expect(await store.claimRun('gone', 'r', false)).toEqual({ ok: true });
    expect(await store.closeForDeletion('gone')).toEqual({ ok: false, running: ['r'] });
    await store.releaseRun('gone', 'r');
    expect(await store.closeForDeletion('gone')).toEqual({ ok: true });
    expect(await store.claimRun('gone', 's', false)).toEqual({ ok: false, reason: 'deleted' });
    expect(await store.claimRun('gone', 's', true)).toEqual({ ok: false, reason: 'deleted' });
    await store.reopenRuns('gone');
    expect(await store.claimRun('gone', 's', true)).toEqual({ ok: true });
  });

  it('50 concurrent exclusive starts: exactly one gets in; 50 concurrent shared starts: all 50 are counted', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `x${String(i).padStart(2, '0')}`);
    const exclusive = await Promise.all(ids.map((id) => store.claimRun('fifty', id, true)));
    const winners = ids.filter((_, i) => exclusive[i]!.ok);
    expect(winners).toHaveLength(1);
    expect(await store.campaignRuns('fifty')).toEqual({ running: winners, exclusive: winners[0] });
    await store.releaseRun('fifty', winners[0]!);
    const shared = await Promise.all(ids.map((id) => store.claimRun('fifty', id, false)));
    expect(shared.every((c) => c.ok)).toBe(true);
    expect((await store.campaignRuns('fifty')).running).toEqual(ids);
    await Promise.all(ids.slice(0, 20).map((id) => store.releaseRun('fifty', id)));
    expect((await store.campaignRuns('fifty')).running).toEqual(ids.slice(20));
  });

  it('a deletion and a start of the same campaign at once: exactly one of them succeeds', async () => {
    for (let i = 0; i < 20; i++) {
      const [start, deletion] = await Promise.all([
        store.claimRun(`race${i}`, 'r', i % 2 === 0),
        store.closeForDeletion(`race${i}`),
      ]);
      expect([start.ok, deletion.ok].filter(Boolean), `race ${i}`).toHaveLength(1);
    }
  });
});

describe('what the campaign list reads in a few requests', () => {
  const at = (h: number) => `2026-11-25T${String(h).padStart(2, '0')}:00:00.000Z`;

  it("each register points at its campaign's newest run and newest failed run; all registers in one read", async () => {
    await store.createRun(run('l-2', at(12), 'list-a'));
    // Created after, started before: the register keeps pointing at the newest by start time.
    await store.createRun(run('l-1', at(10), 'list-a'));
    await store.createRun(run('l-3', at(11), 'list-b'));
    expect(await store.updateRun('l-1', { status: 'failed', endedAt: at(13), error: 'boom' })).toBe(true);
    await store.createRun({ ...run('l-0', at(9), 'list-a'), status: 'failed' });
    expect(await store.updateRun('l-3', { status: 'completed', endedAt: at(12) })).toBe(true);
    const all = await store.listCampaignRuns();
    expect(all.get('list-a')).toEqual({ running: [], lastRun: 'l-2', lastFailed: 'l-1' });
    expect(all.get('list-b')).toEqual({ running: [], lastRun: 'l-3' });
    // One campaign's alone (a GetItem), with the runs it holds.
    expect(await store.claimRun('list-b', 'l-3', false)).toEqual({ ok: true });
    expect((await store.listCampaignRuns('list-b')).get('list-b')).toEqual({ running: ['l-3'], lastRun: 'l-3' });
    await store.releaseRun('list-b', 'l-3');
    // A deletion: the register stays (closed), no longer listed, pointing at nothing.
    expect(await store.closeForDeletion('list-a')).toEqual({ ok: true });
    await store.deleteCampaign('list-a');
    expect((await store.listCampaignRuns()).has('list-a')).toBe(false);
    expect((await store.listCampaignRuns('list-a')).get('list-a')).toEqual({ running: [], deleting: true });
  });

  it("campaigns' heads: their records without the definitions, but for the trigger type, dimension and zone", async () => {
    const record = (id: string, definition: unknown) => ({
      id,
      label: `Label ${id}`,
      status: 'draft' as const,
      definition,
      version: 0,
      changed: true,
      createdAt: at(1),
      updatedAt: at(2),
      source: 'api' as const,
      revision: 1,
    });
    expect(
      await store.putCampaign(
        record('head-a', {
          id: 'head-a',
          trigger: { type: 'cron', expression: '0 8 * * *' },
          dimension: 'recipients',
          timezone: 'Europe/Paris',
          activities: [{ id: 'x', type: 'end' }],
        }),
      ),
    ).toBe(true);
    // A draft with a trigger that is not an object and a dimension that is not a string.
    expect(await store.putCampaign(record('head-b', { id: 'head-b', trigger: 'soon', dimension: 3 }))).toBe(true);
    const heads = (await store.listCampaignHeads()).filter((h) => h.id.startsWith('head-'));
    expect(heads).toEqual([
      {
        id: 'head-a',
        label: 'Label head-a',
        status: 'draft',
        version: 0,
        changed: true,
        createdAt: at(1),
        updatedAt: at(2),
        source: 'api',
        revision: 1,
        trigger: 'cron',
        dimension: 'recipients',
        timezone: 'Europe/Paris',
      },
      {
        id: 'head-b',
        label: 'Label head-b',
        status: 'draft',
        version: 0,
        changed: true,
        createdAt: at(1),
        updatedAt: at(2),
        source: 'api',
        revision: 1,
      },
    ]);
  });

  it("a run keeps its activities' counts and its first failed activity, each change of status counted once", async () => {
    await store.createRun(run('cnt', at(14), 'list-c'));
    await store.putActivities('cnt', [
      { activityId: 'a', type: 'buildAudience', status: 'pending', tasks: 0 },
      { activityId: 'b', type: 'split', status: 'pending', tasks: 0 },
      { activityId: 'c', type: 'end', status: 'skipped', tasks: 0 },
    ]);
    expect(await store.getRun('cnt')).toMatchObject({ activityCount: 3, doneCount: 0, failedCount: 0 });
    await store.updateActivity('cnt', 'a', { status: 'running', addTasks: 1 });
    // The same change twice (a retried step) counts once; a done activity failing moves it over.
    await Promise.all([
      store.updateActivity('cnt', 'a', { status: 'done' }),
      store.updateActivity('cnt', 'a', { status: 'done' }),
    ]);
    await store.updateActivity('cnt', 'b', { status: 'failed', error: 'x' });
    await store.updateActivity('cnt', 'a', { status: 'failed', error: 'stopped' });
    const r = await store.getRun('cnt');
    expect(r).toMatchObject({ activityCount: 3, doneCount: 0, failedCount: 2, failedActivity: 'b' });
    // What updateActivity answers is the item after the update (its counters added).
    expect(await store.updateActivity('cnt', 'a', { addTasks: 2, error: undefined })).toEqual({
      activityId: 'a',
      type: 'buildAudience',
      status: 'failed',
      tasks: 3,
    });
    // An activity of a run never created: no run item is made up for it.
    await store.putActivities('nobody', [{ activityId: 'a', type: 'end', status: 'done' }]);
    expect(await store.getRun('nobody')).toBeUndefined();
  });

  it('runs and versions by key beyond the 100 keys of one BatchGetItem (DynamoDB API Reference, BatchGetItem)', async () => {
    const ids = Array.from({ length: 110 }, (_, i) => `bg-${String(i).padStart(3, '0')}`);
    await Promise.all(ids.map((id, i) => store.createRun(run(id, at(i % 24), `bg-${i % 7}`))));
    const runs = await store.getRuns([...ids, 'bg-none', ids[0]!]);
    expect([...runs.keys()].sort()).toEqual(ids);
    expect(runs.get('bg-109')).toMatchObject({ campaignId: 'bg-4', startedAt: at(109 % 24) });
    await Promise.all(
      ids.map((_, i) => store.putVersion({ campaignId: `v${i}`, version: 2, definition: { i }, publishedAt: at(1) })),
    );
    const versions = await store.getVersions([
      ...ids.map((_, i) => ({ campaignId: `v${i}`, version: 2 })),
      { campaignId: 'v0', version: 1 },
    ]);
    expect(versions.size).toBe(110);
    expect(versions.get('v77#2')?.definition).toEqual({ i: 77 });
  });
});
