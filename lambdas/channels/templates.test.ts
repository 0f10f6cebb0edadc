import { describe, expect, it } from 'vitest';
import { emailSchema, pushSchema, smsSchema } from '../activities/channels.js';
import { type LinkSettings, verifyToken } from './links.js';
import { compileMjml, prepareTemplates, renderMessage, templateVariables } from './templates.js';

const links: LinkSettings = { baseUrl: 'http://127.0.0.1:7777', secret: 's3cret', tracking: 'provider' };
const ctx = {
  messageId: 'm1',
  campaignId: 'winback',
  runId: 'r1',
  activityId: 'mail',
  key: '42',
  to: 'ann@example.com',
  links,
};
const email = (over: Record<string, unknown>) =>
  emailSchema.parse({ id: 'mail', type: 'email', from: 'shop@example.com', subject: 'Hi', ...over });

async function rendered(t: ReturnType<typeof prepareTemplates>, row: Record<string, unknown>, c = ctx) {
  const r = await renderMessage(t, row, c);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe('templateVariables', () => {
  it('lists the root names a template reads, not its own variables nor orca’s', () => {
    expect(
      templateVariables(
        'Hi {{ first_name | capitalize }}{% assign n = points | plus: 1 %}{{ n }} {% for o in orders %}{{ o.total }}{% endfor %}{% if city.name %}{% endif %} {{ unsubscribe_url }}',
      ),
    ).toEqual({ variables: ['first_name', 'points', 'orders', 'city'] });
    expect(templateVariables('{{first_name}}')).toEqual({ variables: ['first_name'] });
  });

  it('refuses unknown filters, unclosed tags and file access, with the line', () => {
    expect(templateVariables('a\n{{ x | shout }}')).toEqual({ error: 'undefined filter: shout, line:2, col:1' });
    expect(templateVariables('{{ x ')).toEqual({ error: 'output "{{ x " not closed, line:1, col:1' });
    expect(templateVariables('{% include "/etc/passwd" %}')).toEqual({
      error: 'tag "include" not found, line:1, col:1',
    });
    expect(templateVariables('{% render "x" %}')).toMatchObject({
      error: expect.stringMatching(/tag "render" not found/),
    });
  });
});

describe('renderMessage: email', () => {
  it('renders subject, HTML and text; a missing or null column is empty; values are not looked up on prototypes', async () => {
    const t = prepareTemplates(
      email({
        subject: 'Hi {{first_name}}, {{ points | plus: 1 }} points',
        html: '<p>Dear {{ first_name }} {{ last_name }}{{ constructor }}</p>',
        text: 'Dear {{ first_name }} from {{ city }}',
        unsubscribe: false,
      }),
    );
    const m = await rendered(t, { first_name: 'Ann', last_name: null, points: 41n });
    expect(m).toEqual({
      messageId: 'm1',
      campaignId: 'winback',
      runId: 'r1',
      activityId: 'mail',
      key: '42',
      to: 'ann@example.com',
      channel: 'email',
      email: {
        from: 'shop@example.com',
        subject: 'Hi Ann, 42 points',
        html: '<p>Dear Ann </p>',
        text: 'Dear Ann from ',
        headers: {},
      },
    });
  });

  it('escapes values in the HTML part only (| raw opts out), and keeps line breaks out of the subject', async () => {
    const t = prepareTemplates(
      email({
        subject: 'For {{ first_name }}',
        html: '<p>{{ first_name }}</p><div>{{ bio | raw }}</div>',
        text: '{{ first_name }}',
        unsubscribe: false,
      }),
    );
    const m = await rendered(t, {
      first_name: '<script>alert("x")</script>&\r\nBcc: evil@example.com',
      bio: '<b>ok</b>',
    });
    if (m.channel !== 'email') throw new Error('email expected');
    expect(m.email.html).toBe(
      '<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;\r\nBcc: evil@example.com</p><div><b>ok</b></div>',
    );
    expect(m.email.text).toBe('<script>alert("x")</script>&\r\nBcc: evil@example.com');
    expect(m.email.subject).toBe('For <script>alert("x")</script>& Bcc: evil@example.com');
  });

  it('gives a marketing email a signed unsubscribe link, in the template or appended, and the RFC 8058 headers', async () => {
    const t = prepareTemplates(email({ html: '<body><p>Hi</p></body>', text: 'Hi {{ first_name }}' }));
    const m = await rendered(t, { first_name: 'Ann' });
    if (m.channel !== 'email') throw new Error('email expected');
    const url = /^<(http:\/\/127\.0\.0\.1:7777\/u\/([^>]+))>$/.exec(m.email.headers['List-Unsubscribe']!);
    expect(url).not.toBeNull();
    expect(verifyToken('s3cret', url![2]!)).toEqual({
      kind: 'unsubscribe',
      channel: 'email',
      address: 'ann@example.com',
      messageId: 'm1',
      campaignId: 'winback',
      runId: 'r1',
      activityId: 'mail',
    });
    expect(m.email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(m.email.text).toBe(`Hi Ann\n\nUnsubscribe: ${url![1]}\n`);
    expect(m.email.html).toBe(
      `<body><p>Hi</p><p style="font-size:12px"><a href="${url![1]}">Unsubscribe</a></p></body>`,
    );

    const own = prepareTemplates(email({ text: 'Bye: {{ unsubscribe_url }}' }));
    const o = await rendered(own, {});
    if (o.channel !== 'email') throw new Error('email expected');
    expect(o.email.text).toBe(`Bye: ${o.email.headers['List-Unsubscribe']!.slice(1, -1)}`);
  });

  it("with tracking 'orca', rewrites http(s) links to signed redirects and adds an open pixel; 'provider' leaves them", async () => {
    const html =
      '<body><a href="https://shop.example/p?a=1&amp;b=2">Shop</a> <a class="x" href=\'http://x.example\'>x</a> <a href="mailto:a@b.c">m</a></body>';
    const t = prepareTemplates(email({ html, unsubscribe: false }));
    const m = await rendered(t, {}, { ...ctx, links: { ...links, tracking: 'orca' } });
    if (m.channel !== 'email') throw new Error('email expected');
    const clicks = [...m.email.html!.matchAll(/href=["']http:\/\/127\.0\.0\.1:7777\/c\/([^"']+)["']/g)].map((x) =>
      verifyToken('s3cret', x[1]!),
    );
    expect(clicks).toEqual([
      { kind: 'click', messageId: 'm1', url: 'https://shop.example/p?a=1&b=2' },
      { kind: 'click', messageId: 'm1', url: 'http://x.example' },
    ]);
    expect(m.email.html).toContain('href="mailto:a@b.c"');
    const pixel =
      /<img src="http:\/\/127\.0\.0\.1:7777\/o\/([^"]+)" width="1" height="1" alt="" style="display:none"><\/body>$/.exec(
        m.email.html!,
      );
    expect(verifyToken('s3cret', pixel![1]!)).toEqual({ kind: 'open', messageId: 'm1' });

    const p = await rendered(t, {});
    if (p.channel !== 'email') throw new Error('email expected');
    expect(p.email.html).toBe(html);
  });

  it('does not rewrite its own unsubscribe link', async () => {
    const t = prepareTemplates(email({ html: '<a href="{{ unsubscribe_url }}">stop</a>' }));
    const m = await rendered(t, {}, { ...ctx, links: { ...links, tracking: 'orca' } });
    if (m.channel !== 'email') throw new Error('email expected');
    expect(m.email.html).toContain(`<a href="${m.email.headers['List-Unsubscribe']!.slice(1, -1)}">stop</a>`);
  });

  it('returns a Liquid runtime error as a reason, not a throw', async () => {
    const t = prepareTemplates(email({ text: '{% for i in (1..100000000) %}{{ i }}{% endfor %}', unsubscribe: false }));
    expect(await renderMessage(t, {}, ctx)).toEqual({
      ok: false,
      reason: 'memory alloc limit exceeded, line:1, col:1',
    });
  });

  it('renders an MJML body from its HTML compiled once (per run, before the chunks), and refuses it uncompiled', async () => {
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';
    const compiled = await compileMjml(mjml);
    if (!('html' in compiled)) throw new Error(compiled.error);
    expect(() => prepareTemplates(email({ mjml, unsubscribe: false }))).toThrow(
      "activity 'mail': its MJML is compiled once per run",
    );
    const t = prepareTemplates(email({ html: compiled.html, unsubscribe: false }));
    const m = await rendered(t, { first_name: 'A&B' });
    if (m.channel !== 'email') throw new Error('email expected');
    expect(m.email.html).toMatch(/^<!doctype html>/);
    expect(m.email.html).toMatch(/>Hi A&amp;B<\/div>/);
  });
});

describe('compileMjml', () => {
  it('gives the first error with its line', async () => {
    expect(
      await compileMjml(
        '<mjml><mj-body><mj-section><mj-column>\n\n<mj-bogus/></mj-column></mj-section></mj-body></mjml>',
      ),
    ).toEqual({ error: "line 3: Element mj-bogus doesn't exist or is not registered" });
    expect(await compileMjml('not mjml <<')).toEqual({ error: 'Parsing failed. Check your mjml.' });
  });
});

describe('renderMessage: SMS and push', () => {
  it('renders the SMS text and counts its parts', async () => {
    const t = prepareTemplates(
      smsSchema.parse({ id: 'sms', type: 'sms', text: 'Hi {{ first_name }}, -10% today', from: 'ORCA' }),
    );
    const m = await rendered(t, { first_name: 'Zoé' }, { ...ctx, to: '+33612345678' });
    expect(m).toMatchObject({
      channel: 'sms',
      to: '+33612345678',
      sms: { from: 'ORCA', text: 'Hi Zoé, -10% today', parts: 1 },
    });
    const long = await rendered(t, { first_name: 'ж'.repeat(60) }, ctx);
    // Cyrillic makes it UCS-2: 60 + 17 = 77 characters > 70 -> two parts of 67.
    expect(long).toMatchObject({ sms: { parts: 2 } });
  });

  it('renders push title and body, not escaped', async () => {
    const t = prepareTemplates(
      pushSchema.parse({
        id: 'p',
        type: 'push',
        title: '{{ first_name }} <3',
        body: 'Back in stock: {{ item }}',
        deepLink: 'app://cart',
      }),
    );
    const m = await rendered(t, { first_name: 'Ann & co', item: '<Shoes>' }, { ...ctx, to: 'device-1' });
    expect(m).toMatchObject({
      channel: 'push',
      push: { title: 'Ann & co <3', body: 'Back in stock: <Shoes>', deepLink: 'app://cart' },
    });
  });
});
