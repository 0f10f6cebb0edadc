/** End: ends a branch, optionally signalling another campaign. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { end, endSchema } from './end.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

describe('end', () => {
  it('ends the branch: no outputs, whatever comes in', async () => {
    const r = h.plan({ id: 'e', type: 'end' }, { inputs: [await h.population([1])] });
    expect(r.errors).toEqual([]);
    expect(r.plan).toEqual({ action: { type: 'end' }, outputs: {} });
    expect(end.outputs({ id: 'e', type: 'end' })).toEqual([]);
  });

  it('a signal names the campaign to start, with its variables', () => {
    const signal = { campaign: 'follow-up', variables: { wave: 2, mode: 'vip' } };
    expect(h.plan({ id: 'e', type: 'end', signal }).plan).toEqual({ action: { type: 'end', signal }, outputs: {} });
  });

  it('the settings reject a campaign id that is not one, and unknown signal fields', () => {
    const paths = (x: unknown) => endSchema.safeParse(x).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ id: 'e', type: 'end', signal: { campaign: 'Follow Up' } })).toEqual(['signal.campaign']);
    expect(paths({ id: 'e', type: 'end', signal: { campaign: 'x', when: 'now' } })).toEqual(['signal']);
  });
});
