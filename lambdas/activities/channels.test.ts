/** Email, SMS and push: modelled and validated; sending is not implemented yet. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { emailSchema } from './channels.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
// Recipients with a column added on the way (an enrichment's `offer`).
let people: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  people = await h.population([{ id: 1, offer: '10%' }], { columns: [{ name: 'offer', type: 'string' }] });
});
afterAll(() => h.close());

const email = (extra: Record<string, unknown> = {}) => ({
  id: 'mail',
  type: 'email',
  from: 'news@example.com',
  subject: 'Hello {{ first_name }}',
  html: '<p>Your offer: {{offer}}</p>',
  ...extra,
});

describe('channels', () => {
  it('an email with placeholders from attributes and population columns validates, but does not run', () => {
    const r = h.plan(email(), { inputs: [people] });
    expect(r.errors).toEqual([]);
    expect(r.plan).toEqual({
      action: { type: 'unsupported', reason: 'sending email messages is not available yet' },
      outputs: {},
    });
  });

  it('generateOutput continues with the population', () => {
    const r = h.plan(email({ generateOutput: true }), { inputs: [people] });
    expect(r.plan.outputs).toEqual({ main: { dimension: 'recipients', columns: people.columns } });
  });

  it('reports unknown placeholders at the field holding them, and an unknown address attribute', () => {
    const r = h.plan(email({ subject: 'Hi {{frist_name}}', text: 'Code {{ code }}', address: 'mail' }), {
      inputs: [people],
    });
    expect(r.errors.map((e) => e.path)).toEqual(['address', 'subject', 'text']);
    expect(r.errors[1]!.message).toContain("'first_name'");
  });

  it('sms needs a phone attribute by default (the fixture has none); push addresses the key', () => {
    const sms = h.plan({ id: 's', type: 'sms', text: 'Hi {{first_name}}' }, { inputs: [people] });
    expect(sms.errors.map((e) => e.path)).toEqual(['address']);
    expect(h.plan({ id: 's', type: 'sms', text: 'Hi', address: 'email' }, { inputs: [people] }).errors).toEqual([]);
    const push = h.plan(
      { id: 'p', type: 'push', title: 'Hi {{first_name}}', body: '{{offer}} off' },
      { inputs: [people] },
    );
    expect(push.errors).toEqual([]);
    expect(push.plan.action).toEqual({ type: 'unsupported', reason: 'sending push messages is not available yet' });
    expect(
      h.plan({ id: 'p', type: 'push', title: 'x', body: '{{nope}}' }, { inputs: [people] }).errors.map((e) => e.path),
    ).toEqual(['body']);
  });

  it('reports a missing inbound population; the settings reject a subject over 500 characters', () => {
    expect(h.plan(email()).messages).toEqual(['needs an inbound transition carrying a population']);
    const issues = emailSchema.safeParse(email({ subject: 'x'.repeat(501) })).error?.issues;
    expect(issues?.map((i) => i.path.join('.'))).toEqual(['subject']);
  });
});
