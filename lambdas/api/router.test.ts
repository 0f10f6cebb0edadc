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
