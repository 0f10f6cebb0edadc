/** POST /runs/{run}/activities/{activity}/confirm: confirms exactly the activity waiting, 409 otherwise, the actor logged. */
import { describe, expect, it } from 'vitest';
import { inProcessApi } from '../../test/helpers/api-service.js';

async function withRun(status: 'running' | 'completed' = 'running') {
  const api = inProcessApi();
  await api.store.createRun({
    runId: 'r1',
    campaignId: 'news',
    status,
    startedAt: '2026-11-22T11:00:00Z',
    testMode: false,
    variables: {},
  });
  return api;
}

describe('confirm route', () => {
  it('confirms the waiting activity once; the run log records who confirmed', async () => {
    const api = await withRun();
    api.platform.confirmable.add('r1/mail');
    const r = await api.call('POST', '/runs/r1/activities/mail/confirm');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ runId: 'r1', status: 'running' });
    const logs = await api.store.listLogs('r1');
    expect(logs).toEqual([
      expect.objectContaining({ activity: 'mail', actor: 'test', message: 'confirmed by test: sending' }),
    ]);
    // A second confirmation finds nothing waiting.
    const again = await api.call('POST', '/runs/r1/activities/mail/confirm');
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body).message).toBe("activity 'mail' of run r1 is not waiting for a confirmation");
    expect(await api.store.listLogs('r1')).toHaveLength(1);
  });

  it('409 for an activity that is not waiting, and for a run that ended; 404 for an unknown run', async () => {
    const api = await withRun();
    api.platform.confirmable.add('r1/mail');
    expect((await api.call('POST', '/runs/r1/activities/other/confirm')).status).toBe(409);
    expect(api.platform.confirmable.has('r1/mail')).toBe(true);
    const ended = await withRun('completed');
    ended.platform.confirmable.add('r1/mail');
    const r = await ended.call('POST', '/runs/r1/activities/mail/confirm');
    expect(r.status).toBe(409);
    expect(JSON.parse(r.body).message).toBe('run r1 is completed: nothing waits for a confirmation');
    expect((await api.call('POST', '/runs/nope/activities/mail/confirm')).status).toBe(404);
    expect((await api.call('POST', '/runs/r1/activities/bad%20id/confirm')).status).toBe(400);
  });
});
