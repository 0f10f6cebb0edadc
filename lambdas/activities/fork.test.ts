/** Fork: every branch gets the inbound population, unchanged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork } from './fork.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

describe('fork', () => {
  it('forwards the inbound population to main, with its schema, columns included', async () => {
    const p = await h.population([{ id: 1, tag: 'x' }], { columns: [{ name: 'tag', type: 'string' }] });
    const r = h.plan({ id: 'f', type: 'fork' }, { inputs: [p] });
    expect(r.errors).toEqual([]);
    expect(r.plan).toEqual({
      action: { type: 'atOnce', from: { main: 0 } },
      outputs: {
        main: {
          dimension: 'recipients',
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'tag', type: 'string' },
          ],
        },
      },
    });
  });

  it('without an inbound population, main carries none', () => {
    expect(h.plan({ id: 'f', type: 'fork' }).plan.outputs).toEqual({ main: null });
    expect(h.plan({ id: 'f', type: 'fork' }, { inputs: [null] }).plan.outputs).toEqual({ main: null });
  });

  it('its one output may feed several transitions', () => {
    expect(fork.fanOut).toBe(true);
    expect(fork.outputs({ id: 'f', type: 'fork' })).toEqual(['main']);
  });
});
