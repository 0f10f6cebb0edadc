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
    const r = await h.act({ id: 'e', type: 'end' }, { inputs: [await h.population([1])] });
    expect(r.plan).toEqual({ action: { type: 'atOnce', from: {} }, outputs: {} });
    expect(r.forward).toEqual({});
    expect(r.note).toBe('branch ended');
    expect(end.outputs({ id: 'e', type: 'end' })).toEqual([]);
  });

  it('a signal starts the named campaign with its variables; not in test mode, nor without a service', async () => {
    const signal = { campaign: 'follow-up', variables: { wave: 2, mode: 'vip' } };
    const def = { id: 'e', type: 'end', signal };
    const sent = await h.act(def, { signal: true });
    expect(sent.signalled).toEqual([{ campaignId: 'follow-up', variables: { wave: 2, mode: 'vip' } }]);
    expect(sent.note).toBe("signal sent: started campaign 'follow-up' (run SIGNALLED-RUN)");
    const test = await h.act(def, { signal: true, run: { id: 'RUN', testMode: true } });
    expect(test.signalled).toEqual([]);
    expect(test.note).toBe("test mode: signal to 'follow-up' not sent");
    const alone = await h.act(def);
    expect(alone.note).toMatch(/^signal to 'follow-up' not sent: signals need the orca service/);
  });

  it('the settings reject a campaign id that is not one, and unknown signal fields', () => {
    const paths = (x: unknown) => endSchema.safeParse(x).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ id: 'e', type: 'end', signal: { campaign: 'Follow Up' } })).toEqual(['signal.campaign']);
    expect(paths({ id: 'e', type: 'end', signal: { campaign: 'x', when: 'now' } })).toEqual(['signal']);
  });
});
