/** Alert: notifies the supervisors; the population passes through. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSchema } from './alert.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const alert = (extra: Record<string, unknown> = {}) => ({
  id: 'al',
  type: 'alert',
  title: 'Special',
  message: 'special mode',
  ...extra,
});

describe('alert', () => {
  it('returns its title, message and severity, and forwards the inbound population', async () => {
    const p = await h.population([1, 3]);
    const r = h.plan(alert({ severity: 'warning' }), { inputs: [p] });
    expect(r.errors).toEqual([]);
    expect(r.plan).toEqual({
      action: { type: 'alert', title: 'Special', message: 'special mode', severity: 'warning', from: { main: 0 } },
      outputs: { main: { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] } },
    });
  });

  it('the severity defaults to info; without inbound, main carries no population', () => {
    const r = h.plan(alert());
    expect(r.plan.action).toMatchObject({ type: 'alert', severity: 'info' });
    expect(r.plan.outputs).toEqual({ main: null });
  });

  it('the settings reject an unknown severity, an empty title and a message over 4000 characters', () => {
    const paths = (x: unknown) => alertSchema.safeParse(x).error?.issues.map((i) => i.path.join('.'));
    expect(paths(alert({ severity: 'fatal' }))).toEqual(['severity']);
    expect(paths(alert({ title: '' }))).toEqual(['title']);
    expect(paths(alert({ message: 'x'.repeat(4001) }))).toEqual(['message']);
    expect(paths(alert())).toBeUndefined();
  });
});
