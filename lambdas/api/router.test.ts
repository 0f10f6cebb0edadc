/** The router on fake ports: refusals worked out from the documented API (README, DynamoDB's limits). */
import { describe, expect, it } from 'vitest';
import { inProcessApi } from '../../test/helpers/api-service.js';

const campaign = (id: string, extra: Record<string, unknown> = {}, value: unknown = 100) => ({
  id,
  label: id,
  dimension: 'recipients',
  activities: [
    { id: 'a', type: 'buildAudience', query: { attribute: 'balance', operator: 'greater', value } },
    { id: 'e', type: 'end' },
  ],
  transitions: [{ from: 'a', to: 'e' }],
  ...extra,
});
const bodyOf = (r: { body: string }) => JSON.parse(r.body);

describe('numbers beyond ±2^53', () => {
  it('a comparison with 1e16 is a 400 naming the field and saying how to write it', async () => {
    const api = inProcessApi();
    const r = await api.call('POST', '/campaigns', campaign('big', {}, 1e16));
    expect(r.status).toBe(400);
    expect(bodyOf(r)).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('activities.0.query.value: 10000000000000000 is beyond ±9,007,199,254,740,991'),
      details: [{ in: 'body', path: 'activities.0.query.value' }],
    });
    expect(bodyOf(r).message).toContain('write it as a string, e.g. "10000000000000000"');
    // Written as a string, the same value is a valid campaign.
    const ok = await api.call('POST', '/campaigns', campaign('big', {}, '10000000000000000'));
    expect(ok.status).toBe(201);
    expect(bodyOf(ok).validation).toMatchObject({ valid: true });
    expect(api.errors).toEqual([]);
  });

  it('a decimal variable of 1e17, as a default or when starting a run', async () => {
    const api = inProcessApi();
    const variables = { x: { type: 'decimal', default: 1e17 } };
    expect((await api.call('POST', '/campaigns', campaign('v', { variables }))).status).toBe(400);
    await api.call('POST', '/campaigns', campaign('v', { variables: { x: { type: 'decimal' } } }));
    const start = await api.call('POST', '/campaigns/v/runs', { variables: { x: 1e17 }, testMode: true });
    expect(start.status).toBe(400);
    expect(bodyOf(start).message).toContain('variables.x: 100000000000000000 is beyond');
  });
});

describe('what would fail only at run time is refused at publish', () => {
  it("an End's signal to a campaign that does not exist: 422 naming the activity and field", async () => {
    const api = inProcessApi();
    const signalling = campaign('sender', {
      activities: [
        { id: 'a', type: 'buildAudience', query: { attribute: 'balance', operator: 'greater', value: 100 } },
        { id: 'e', type: 'end', signal: { campaign: 'receiver' } },
      ],
    });
    expect((await api.call('POST', '/campaigns', signalling)).status).toBe(201);
    const refused = await api.call('POST', '/campaigns/sender/publish');
    expect(refused.status).toBe(422);
    expect(bodyOf(refused)).toMatchObject({
      error: 'invalid_campaign',
      message: expect.stringContaining("activity 'e': the signal goes to campaign 'receiver', which does not exist"),
      details: {
        errors: [
          {
            activity: 'e',
            path: 'activities[1].signal.campaign',
            message: expect.stringContaining("campaign 'receiver', which does not exist"),
          },
        ],
      },
    });
    expect(bodyOf(await api.call('GET', '/campaigns/sender'))).toMatchObject({ status: 'draft' });
    // Once the receiver exists, the sender publishes.
    expect((await api.call('POST', '/campaigns', campaign('receiver'))).status).toBe(201);
    expect((await api.call('POST', '/campaigns/sender/publish')).status).toBe(200);
    expect(api.errors).toEqual([]);
  });

  it('an integer variable given 1.5 when starting a run is a 400', async () => {
    const api = inProcessApi();
    await api.call('POST', '/campaigns', campaign('int', { variables: { n: { type: 'integer', default: 1 } } }));
    const start = await api.call('POST', '/campaigns/int/runs', { variables: { n: 1.5 }, testMode: true });
    expect(start.status).toBe(400);
    expect(bodyOf(start)).toMatchObject({ details: [{ variable: 'n', message: 'expected an integer, got 1.5' }] });
    expect((await api.call('POST', '/campaigns/int/runs', { variables: { n: 2 }, testMode: true })).status).toBe(202);
  });
});

describe("monthly 'last' with other days", () => {
  it('the preview merges the listed days and the last day, sorted, the 30th of November once', async () => {
    const api = inProcessApi();
    const trigger = { type: 'monthly', days: [15, 30, 'last'], at: '09:00' };
    const created = await api.call('POST', '/campaigns', campaign('payday', { trigger, timezone: 'UTC' }));
    expect(bodyOf(created).validation).toMatchObject({ valid: true, errors: [] });
    const preview = bodyOf(await api.call('GET', '/campaigns/payday/schedule/preview'));
    expect(preview).toMatchObject({ expression: 'cron(0 9 15,30 * ? *)', timezone: 'UTC' });
    expect(preview.lastDayExpression).toMatch(/^cron\(0 9 L /);
    // Today is 2026-11-22; November has 30 days, December 31, January 31, February 2027 28.
    expect(preview.launches.slice(0, 9)).toEqual([
      '2026-11-30T09:00:00.000Z',
      '2026-12-15T09:00:00.000Z',
      '2026-12-30T09:00:00.000Z',
      '2026-12-31T09:00:00.000Z',
      '2027-01-15T09:00:00.000Z',
      '2027-01-30T09:00:00.000Z',
      '2027-01-31T09:00:00.000Z',
      '2027-02-15T09:00:00.000Z',
      '2027-02-28T09:00:00.000Z',
    ]);
    expect((await api.call('POST', '/campaigns/payday/publish')).status).toBe(200);
  });
});

describe('large definitions', () => {
  it('a definition over 300 KB is a 413 naming the store limit, under 1 MB as well', async () => {
    const api = inProcessApi();
    const r = await api.call('POST', '/campaigns', campaign('large', { description: 'x'.repeat(500_000) }));
    expect(r.status).toBe(413);
    expect(bodyOf(r)).toMatchObject({
      error: 'payload_too_large',
      message: expect.stringContaining('at most 300 KB (this one is 489 KB)'),
    });
    expect((await api.call('GET', '/campaigns/large')).status).toBe(404);
    await api.call('POST', '/campaigns', campaign('large'));
    const put = await api.call('PUT', '/campaigns/large', campaign('large', { description: 'y'.repeat(400_000) }));
    expect(put.status).toBe(413);
  });
});

describe('query parameters', () => {
  async function withRuns() {
    const api = inProcessApi();
    await api.call('POST', '/campaigns', campaign('q'));
    for (let i = 0; i < 3; i++) await api.call('POST', '/campaigns/q/runs', { testMode: true });
    // run-1 completed, run-2 failed, run-3 still running.
    await api.store.updateRun('run-1', { status: 'completed', endedAt: '2026-11-22T12:01:00Z' });
    await api.store.updateRun('run-2', { status: 'failed', endedAt: '2026-11-22T12:01:00Z' });
    const t = (activityId: string, status: 'done' | 'failed', startedAt: string) => ({
      activityId,
      status,
      startedAt,
    });
    await api.store.putTask('run-1', t('a', 'failed', '2026-11-22T12:00:01Z'));
    await api.store.putTask('run-1', t('a', 'done', '2026-11-22T12:00:02Z'));
    await api.store.putTask('run-1', t('e', 'done', '2026-11-22T12:00:03Z'));
    return api;
  }

  it('an unknown parameter is a 400 naming it and what the route takes', async () => {
    const api = inProcessApi();
    const r = await api.call('GET', '/runs', undefined, { query: { limit: '5', sattus: 'running' } });
    expect(r.status).toBe(400);
    expect(bodyOf(r)).toMatchObject({
      message: "unknown query parameter 'sattus'; GET /runs takes: limit, status",
      details: [{ in: 'query', path: 'sattus' }],
    });
    const none = await api.call('GET', '/campaigns/x', undefined, { query: { q: 'a' } });
    expect(bodyOf(none).message).toBe("unknown query parameter 'q'; GET /campaigns/{id} takes none");
  });

  it('GET /runs?status= lists the runs in that state only', async () => {
    const api = await withRuns();
    const ids = async (status: string) =>
      bodyOf(await api.call('GET', '/runs', undefined, { query: { status } })).map((r: { runId: string }) => r.runId);
    expect(await ids('completed')).toEqual(['run-1']);
    expect(await ids('running')).toEqual(['run-3']);
    expect(await ids('stopped')).toEqual([]);
    expect((await api.call('GET', '/runs', undefined, { query: { status: 'bogus' } })).status).toBe(400);
  });

  it('GET /runs/{run}/tasks?activity=&status= filters the executions', async () => {
    const api = await withRuns();
    const tasks = async (query: Record<string, string>) =>
      bodyOf(await api.call('GET', '/runs/run-1/tasks', undefined, { query })).map(
        (t: { activityId: string; status: string }) => `${t.activityId}:${t.status}`,
      );
    expect(await tasks({})).toEqual(['a:failed', 'a:done', 'e:done']);
    expect(await tasks({ activity: 'a' })).toEqual(['a:failed', 'a:done']);
    expect(await tasks({ status: 'done' })).toEqual(['a:done', 'e:done']);
    expect(await tasks({ activity: 'a', status: 'failed' })).toEqual(['a:failed']);
  });
});
