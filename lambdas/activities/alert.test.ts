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
  it('notifies its title, message and severity, logs them at that level, and forwards the inbound population', async () => {
    const p = await h.population([1, 3]);
    const r = await h.act(alert({ severity: 'warning' }), { inputs: [p] });
    expect(r.plan).toEqual({
      action: { type: 'atOnce', from: { main: 0 } },
      outputs: { main: { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] } },
    });
    expect(r.notified).toEqual([{ title: 'Special', message: 'special mode', severity: 'warning' }]);
    expect(r.log).toEqual({ level: 'warn', message: 'alert: Special: special mode' });
    expect(r.forward).toEqual({ main: 0 });
    expect(r.note).toBe('alert sent');
  });

  it('the severity defaults to info; without inbound, main carries no population', async () => {
    const r = await h.act(alert());
    expect(r.notified).toEqual([{ title: 'Special', message: 'special mode', severity: 'info' }]);
    expect(r.log?.level).toBe('info');
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
