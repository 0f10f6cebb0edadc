import { describe, expect, it } from 'vitest';
import { fakeDeps } from '../../test/helpers/fakes/index.js';
import { campaign, RUN_ID, STARTED_AT, startEvent } from '../../test/helpers/fakes/events.js';
import { finalizeRun } from './finalize.js';
import { recordStopped } from './stopped.js';
import { RunRefused, startRun } from './start.js';

const activities = [
  { id: 'build', type: 'buildAudience', label: 'Everyone' },
  { id: 'old', type: 'alert', disabled: true },
  { id: 'done', type: 'end' },
];

describe('startRun', () => {
  it('creates the run, named after the execution, and its activities (disabled ones skipped)', async () => {
    const { deps, store, clock } = fakeDeps();
    const ctx = await startRun(startEvent({ activities }), deps);

    expect(ctx).toEqual({
      runId: 'exec-1',
      campaign: campaign(),
      startedAt: STARTED_AT,
      testMode: false,
      variables: {},
    });
    expect(store.run('exec-1')).toEqual({
      runId: 'exec-1',
      campaignId: 'camp',
      campaignLabel: 'A campaign',
      status: 'running',
      startedAt: STARTED_AT,
      testMode: false,
      variables: {},
      trigger: 'manual',
      execution: 'arn:aws:states:eu-west-1:123456789012:execution:camp:exec-1',
      // Its three activities, none done or failed yet (what the campaign list shows).
      activityCount: 3,
      doneCount: 0,
      failedCount: 0,
    });
    expect(await store.listActivities('exec-1')).toEqual([
      { activityId: 'build', type: 'buildAudience', label: 'Everyone', status: 'pending', tasks: 0 },
      { activityId: 'done', type: 'end', status: 'pending', tasks: 0 },
      { activityId: 'old', type: 'alert', status: 'skipped', tasks: 0 },
    ]);
    expect(await store.listLogs('exec-1')).toEqual([
      { id: expect.any(String), at: clock.iso(), level: 'info', message: 'run started' },
    ]);
  });

  it('takes the run id, test mode, version and trigger the input gives', async () => {
    const { deps, store } = fakeDeps();
    const ctx = await startRun(
      startEvent({ input: { run: { runId: RUN_ID, testMode: true, version: 4 }, trigger: 'schedule' } }),
      deps,
    );
    expect(ctx.runId).toBe(RUN_ID);
    expect(ctx.testMode).toBe(true);
    expect(store.run(RUN_ID)).toMatchObject({ version: 4, testMode: true, trigger: 'schedule' });
    const [log] = await store.listLogs(RUN_ID);
    expect(log?.message).toBe('run started in test mode (Save audience and channels are skipped)');
  });

  it("runs the campaign's latest published version when the input names none", async () => {
    const { deps, store } = fakeDeps();
    await store.putCampaign({
      id: 'camp',
      label: 'A campaign',
      status: 'live',
      definition: {},
      version: 3,
      changed: false,
      createdAt: STARTED_AT,
      updatedAt: STARTED_AT,
      source: 'code',
      revision: 1,
    });
    await startRun(startEvent(), deps);
    expect(store.run('exec-1').version).toBe(3);
  });

  it('records no version when the campaign is not in the store', async () => {
    const { deps, store } = fakeDeps();
    await startRun(startEvent(), deps);
    expect(store.run('exec-1')).not.toHaveProperty('version');
  });

  it('keeps the status and start time of a run the API created (a pause may already be in)', async () => {
    const { deps, store } = fakeDeps();
    await store.createRun({
      runId: RUN_ID,
      campaignId: 'camp',
      status: 'paused',
      pausedReason: 'paused by ann',
      startedAt: '2026-11-22T11:59:58.000Z',
      testMode: true,
      variables: {},
      trigger: 'api',
    });
    const ctx = await startRun(
      startEvent({
        input: { run: { runId: RUN_ID, variables: { n: 2 } } },
        campaign: campaign({ variables: { n: { type: 'integer' } } }),
      }),
      deps,
    );
    expect(ctx).toMatchObject({ startedAt: '2026-11-22T11:59:58.000Z', testMode: true, variables: { n: 2 } });
    expect(store.run(RUN_ID)).toMatchObject({
      status: 'paused',
      pausedReason: 'paused by ann',
      startedAt: '2026-11-22T11:59:58.000Z',
      trigger: 'api',
      variables: { n: 2 },
      execution: 'arn:aws:states:eu-west-1:123456789012:execution:camp:exec-1',
    });
  });

  it('gives variables their value, else their default, else null', async () => {
    const { deps } = fakeDeps();
    const ctx = await startRun(
      startEvent({
        input: { run: { variables: { country: 'FR' } } },
        campaign: campaign({
          variables: {
            country: { type: 'string', default: 'DE' },
            limit: { type: 'integer', default: 10 },
            since: { type: 'date' },
          },
        }),
      }),
      deps,
    );
    expect(ctx.variables).toEqual({ country: 'FR', limit: 10, since: null });
  });

  it('rejects unknown variables, naming the declared ones, after recording the run', async () => {
    const { deps, store } = fakeDeps();
    const e = startEvent({
      input: { run: { variables: { contry: 'FR' } } },
      campaign: campaign({ variables: { country: { type: 'string' } } }),
      activities,
    });
    const err = await startRun(e, deps).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'Orca.ActivityError',
      message: "unknown variable 'contry'; the campaign declares: country",
    });
    // The run exists, so that its failure can be recorded by the finalize step.
    expect(store.run('exec-1').status).toBe('running');
    expect(await store.listActivities('exec-1')).toHaveLength(3);
  });

  it('says so when the campaign declares no variable', async () => {
    const { deps } = fakeDeps();
    await expect(startRun(startEvent({ input: { run: { variables: { x: 1 } } } }), deps)).rejects.toThrow(
      "unknown variable 'x'; the campaign declares: none",
    );
  });

  it('rejects a value of the wrong type, naming the variable', async () => {
    const { deps } = fakeDeps();
    const e = startEvent({
      input: { run: { variables: { limit: 'ten' } } },
      campaign: campaign({ variables: { limit: { type: 'integer' } } }),
    });
    await expect(startRun(e, deps)).rejects.toThrow("variable 'limit': expected an integer, got");
  });
});

describe('one run at a time for a campaign that keeps state (README: "Concurrent runs")', () => {
  const stateful = [
    { id: 'fresh', type: 'incrementalQuery' },
    { id: 'done', type: 'end' },
  ];
  const other = {
    runId: 'other',
    campaignId: 'camp',
    status: 'running' as const,
    startedAt: STARTED_AT,
    testMode: false,
    variables: {},
  };

  it('a scheduled start (no run record yet) is refused while another run holds the campaign, naming it', async () => {
    const { deps, store } = fakeDeps();
    await store.createRun(other);
    expect(await store.claimRun('camp', 'other', true)).toEqual({ ok: true });
    const refused = startRun(startEvent({ activities: stateful }), deps);
    await expect(refused).rejects.toBeInstanceOf(RunRefused);
    await expect(refused).rejects.toThrow(
      "campaign 'camp' keeps state between runs (incremental query, saved audience), so it runs one at a time, and run other is in progress: wait for it to end, or stop it",
    );
    expect(await store.campaignRuns('camp')).toEqual({ running: ['other'], exclusive: 'other' });
  });

  it('a place left by a run that is over (a crash) is given back; the end of a run gives its own back', async () => {
    const { deps, store } = fakeDeps();
    await store.createRun({ ...other, status: 'failed' });
    await store.claimRun('camp', 'other', true);
    const ctx = await startRun(startEvent({ activities: stateful }), deps);
    expect(await store.campaignRuns('camp')).toEqual({ running: ['exec-1'], exclusive: 'exec-1' });
    await finalizeRun({ step: 'finalize', run: ctx, status: 'completed' }, deps);
    expect(await store.campaignRuns('camp')).toEqual({ running: [] });
  });

  it('a place held by a run being started by the API (no record yet, made just now) is kept', async () => {
    const { deps, store } = fakeDeps();
    const claiming = '20261122T120004000Z-abcdef';
    await store.claimRun('camp', claiming, true);
    await expect(startRun(startEvent({ activities: stateful }), deps)).rejects.toThrow(
      `run ${claiming} is in progress`,
    );
  });

  it('campaigns that keep no state run side by side; a stopped run gives its place back', async () => {
    const { deps, store, clock } = fakeDeps();
    await store.createRun(other);
    await store.claimRun('camp', 'other', false);
    await startRun(startEvent({ activities }), deps);
    expect((await store.campaignRuns('camp')).running).toEqual(['exec-1', 'other']);
    await recordStopped(store, 'other', clock.iso());
    expect((await store.campaignRuns('camp')).running).toEqual(['exec-1']);
  });
});
