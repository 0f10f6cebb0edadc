/** Email, SMS and push: settings and validation; the plan is the prepare query (lambdas/channels/prepare.test.ts runs it). */
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
  it('an email with placeholders from attributes and population columns plans a send of one chunk, excluded as output', () => {
    const r = h.plan(email(), { inputs: [people] });
    expect(r.errors).toEqual([]);
    expect(r.plan.action).toMatchObject({ type: 'send', chunks: 1, channel: 'email', location: expect.any(String) });
    const text = (name: string) => ({ name, type: 'string' });
    expect(r.plan.outputs).toEqual({
      excluded: {
        dimension: 'recipients',
        columns: [...people.columns, text('orca_message_id'), text('orca_address'), text('orca_reason')],
      },
    });
  });

  it('generateOutput adds the sent output: the population with the message id and address', () => {
    const r = h.plan(email({ generateOutput: true }), { inputs: [people] });
    expect(Object.keys(r.plan.outputs)).toEqual(['excluded', 'sent']);
    expect(r.plan.outputs.sent!.columns.map((c) => c.name)).toEqual(['id', 'offer', 'orca_message_id', 'orca_address']);
  });

  it('reports unknown placeholders at the field holding them, and an unknown address attribute', () => {
    const r = h.plan(email({ subject: 'Hi {{frist_name}}', text: 'Code {{ code }}', address: 'mail' }), {
      inputs: [people],
    });
    expect(r.errors.map((e) => e.path)).toEqual(['address', 'subject', 'text']);
    expect(r.errors[1]!.message).toContain("'first_name'");
  });

  it('sms needs a phone attribute by default (the fixture has none); push needs its endpoint attribute', () => {
    const sms = h.plan({ id: 's', type: 'sms', text: 'Hi {{first_name}}' }, { inputs: [people] });
    expect(sms.errors.map((e) => e.path)).toEqual(['address']);
    expect(h.plan({ id: 's', type: 'sms', text: 'Hi', address: 'email' }, { inputs: [people] }).errors).toEqual([]);
    const noEndpoint = h.plan(
      { id: 'p', type: 'push', title: 'Hi {{first_name}}', body: '{{offer}} off' },
      { inputs: [people] },
    );
    expect(noEndpoint.messages).toEqual([
      expect.stringMatching(/^address: unknown attribute 'endpoint'/),
      "address: a push needs the attribute holding each recipient's endpoint: set 'address'",
    ]);
    const push = h.plan(
      { id: 'p', type: 'push', title: 'Hi {{first_name}}', body: '{{offer}} off', address: 'offer' },
      { inputs: [people] },
    );
    expect(push.errors).toEqual([]);
    expect(push.plan.action).toMatchObject({ type: 'send', channel: 'push' });
    expect(
      h
        .plan({ id: 'p', type: 'push', title: 'x', body: '{{nope}}', address: 'offer' }, { inputs: [people] })
        .errors.map((e) => e.path),
    ).toEqual(['body']);
  });

  it('the address must be text', () => {
    expect(h.plan(email({ address: 'score' }), { inputs: [people] }).messages).toEqual([
      "address: 'score' is an integer attribute; the address must be text",
    ]);
  });

  it('templates are liquid: filters and loop variables are fine, a syntax error or an unknown root is reported at its field', () => {
    const ok = h.plan(
      email({
        subject: '{{ first_name | upcase }} {% for x in (1..2) %}{{ x }}{% endfor %} {{ unsubscribe_url }}',
      }),
      { inputs: [people] },
    );
    expect(ok.errors).toEqual([]);
    const bad = h.plan(email({ subject: 'Hi {{ first_name', text: '{{ product.category }}' }), { inputs: [people] });
    expect(bad.messages).toEqual([
      expect.stringMatching(/^subject: the template does not parse: output "\{\{ first_name" not closed/),
      expect.stringMatching(/^text: \{\{ product \}\}: unknown attribute 'product'/),
    ]);
  });

  it('senders: an e-mail address or Name <address>; SMS: E.164, a sender id of 1-11 letters and digits, or an ARN', () => {
    for (const from of ['news@example.com', 'Orca News <news@example.com>', '"Orca, News" <news@example.com>'])
      expect(h.plan(email({ from }), { inputs: [people] }).errors).toEqual([]);
    for (const from of ['news', 'News <news>', 'a <b@c.com', 'x@y.com\nBcc: z@evil.com', 'A <b@c.com> <d@e.com>'])
      expect(h.plan(email({ from }), { inputs: [people] }).messages).toEqual([
        `from: '${from}' is not a sender address: write name@example.com or Name <name@example.com>`,
      ]);
    expect(h.plan(email({ replyTo: 'nope' }), { inputs: [people] }).errors.map((e) => e.path)).toEqual(['replyTo']);
    const sms = (from: string) =>
      h.plan({ id: 's', type: 'sms', text: 'Hi', address: 'email', from }, { inputs: [people] });
    for (const from of [
      '+14155550100',
      'ORCA',
      'Shop2026',
      'arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-1234',
      'arn:aws:sms-voice:eu-west-1:123456789012:pool/pool-1',
    ])
      expect(sms(from).errors).toEqual([]);
    for (const from of ['+0123', 'TwelveLetter', 'Orca Shop', 'arn:aws:sns:eu-west-1:123456789012:topic'])
      expect(sms(from).errors.map((e) => e.path)).toEqual(['from']);
  });

  it('an email needs a body; mjml instead of html compiles at validation', () => {
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';
    expect(h.plan(email({ html: undefined, mjml }), { inputs: [people] }).errors).toEqual([]);
    expect(h.plan(email({ html: undefined }), { inputs: [people] }).messages).toEqual([
      'an email needs a body: html, mjml or text',
    ]);
    expect(h.plan(email({ mjml }), { inputs: [people] }).messages).toEqual(['mjml: give html or mjml, not both']);
    expect(
      h.plan(email({ html: undefined, mjml: '<mjml><mj-body><mj-text>x</mj-text></mj-body></mjml>' }), {
        inputs: [people],
      }).messages,
    ).toEqual([
      'mjml: the MJML does not compile: line 1: mj-text cannot be used inside mj-body, only inside: mj-attributes, mj-column, mj-hero',
    ]);
    expect(h.plan(email({ html: undefined, mjml: '<p>x</p>' }), { inputs: [people] }).messages).toEqual([
      'mjml: the MJML does not compile: an MJML document is an <mjml> element holding an <mj-body>',
    ]);
    expect(
      h
        .plan(email({ html: undefined, mjml: mjml.replace('first_name', 'nope') }), { inputs: [people] })
        .errors.map((e) => e.path),
    ).toEqual(['mjml']);
  });

  it('settings: unsubscribe defaults to true; a rate of 0 and a frequency cap beyond a year are refused at their field', () => {
    expect(emailSchema.parse(email()).unsubscribe).toBe(true);
    const issues = (extra: Record<string, unknown>) =>
      emailSchema.safeParse(email(extra)).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ throttle: { perSecond: 0 } })).toEqual([
      'throttle.perSecond: a rate below 1 message per second sends nothing',
    ]);
    expect(issues({ frequencyCap: { messages: 0, days: 400 } })?.map((m) => m.split(':')[0])).toEqual([
      'frequencyCap.messages',
      'frequencyCap.days',
    ]);
  });

  it('reports a missing inbound population; the settings reject a subject over 500 characters', () => {
    expect(h.plan(email()).messages).toEqual(['needs an inbound transition carrying a population']);
    const issues = emailSchema.safeParse(email({ subject: 'x'.repeat(501) })).error?.issues;
    expect(issues?.map((i) => i.path.join('.'))).toEqual(['subject']);
  });
});
