/** The SMTP provider against a real in-process SMTP server (smtp-server), what it received parsed with mailparser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { OutgoingMessage } from '../ports/channel.js';
import { SmtpProvider, classifySmtpError, redactedSmtpUrl } from './smtp-provider.js';
import { localProviders } from './providers.js';

const received: { envelope: { from: string; to: string[] }; mail: ParsedMail }[] = [];
let server: SMTPServer;
let url: string;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      // RFC 5321 §4.2: 451 local error, try again later; 550 mailbox unavailable.
      if (address.address.startsWith('busy@'))
        return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      if (address.address.startsWith('nobody@'))
        return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            mail,
          });
          callback();
        },
        (e) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const message = (
  to: string,
  over: Partial<Extract<OutgoingMessage, { channel: 'email' }>['email']> = {},
): OutgoingMessage => ({
  messageId: '0cc175b9c0f1b6a831c399e269772661',
  campaignId: 'winback',
  runId: 'r1',
  activityId: 'mail',
  key: '42',
  to,
  channel: 'email',
  email: {
    from: 'Shop <news@shop.example>',
    replyTo: 'help@shop.example',
    subject: 'Bonjour Zoë, -20% 🎉',
    html: '<p>Hi <b>Zoë</b></p>',
    text: 'Hi Zoë\n\nUnsubscribe: http://127.0.0.1:7777/u/abc.def',
    headers: {
      'List-Unsubscribe':
        '<http://127.0.0.1:7777/u/eyJraW5kIjoidW5zdWJzY3JpYmUifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...over,
  },
});

describe('SmtpProvider', () => {
  it('hands a message to the server: envelope, subject, HTML, text and the RFC 8058 headers arrive', async () => {
    const p = new SmtpProvider({ url });
    try {
      const outcome = await p.send(message('ann@example.com'));
      expect(outcome).toEqual({
        status: 'sent',
        providerId: '<0cc175b9c0f1b6a831c399e269772661.r1@orca>',
        delivered: true,
      });
      expect(received).toHaveLength(1);
      const { envelope, mail } = received[0]!;
      expect(envelope).toEqual({ from: 'news@shop.example', to: ['ann@example.com'] });
      expect(mail.subject).toBe('Bonjour Zoë, -20% 🎉');
      expect(mail.from?.value).toEqual([{ address: 'news@shop.example', name: 'Shop' }]);
      expect(mail.replyTo?.value[0]?.address).toBe('help@shop.example');
      expect(mail.html).toBe('<p>Hi <b>Zoë</b></p>');
      expect(mail.text).toBe('Hi Zoë\n\nUnsubscribe: http://127.0.0.1:7777/u/abc.def');
      expect(mail.messageId).toBe('<0cc175b9c0f1b6a831c399e269772661.r1@orca>');
      const raw = (name: string) =>
        mail.headerLines
          .find((h) => h.key === name)
          ?.line.replace(/\r?\n[ \t]+/g, ' ')
          .slice(name.length + 1)
          .trim();
      expect(raw('list-unsubscribe')).toBe(
        '<http://127.0.0.1:7777/u/eyJraW5kIjoidW5zdWJzY3JpYmUifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU>',
      );
      expect(raw('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(raw('x-orca-message-id')).toBe('0cc175b9c0f1b6a831c399e269772661');
    } finally {
      await p.close();
    }
  });

  it('keeps bodies intact through SMTP: lines starting with a dot, long lines, non-ASCII text; multipart/alternative', async () => {
    const p = new SmtpProvider({ url, maxConnections: 2 });
    const text = `.a line that starts with a dot\n..and two\n.\nThe end — ${'long words '.repeat(30)}\n`;
    const html = `<p>${'Zoë &amp; Ann, '.repeat(40)}</p>\n.<p>after a dot</p>`;
    try {
      const before = received.length;
      await Promise.all(
        ['dot1@example.com', 'dot2@example.com', 'dot3@example.com'].map((to) =>
          p.send(message(to, { text, html, subject: `Dots for ${to}` })),
        ),
      );
      const got = received.slice(before);
      expect(got.map((r) => r.envelope.to[0]).sort()).toEqual([
        'dot1@example.com',
        'dot2@example.com',
        'dot3@example.com',
      ]);
      for (const { envelope, mail } of got) {
        expect(mail.subject).toBe(`Dots for ${envelope.to[0]}`);
        expect(mail.text).toBe(text);
        expect(mail.html).toBe(html);
        expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
      }
    } finally {
      await p.close();
    }
  });

  it('maps a 4xx reply to throttled and a 5xx reply to failed, and goes on with the next message', async () => {
    const p = new SmtpProvider({ url });
    try {
      const busy = await p.send(message('busy@example.com'));
      expect(busy).toMatchObject({
        status: 'throttled',
        reason: expect.stringMatching(/^SMTP 451: .*Try again later/),
      });
      const nobody = await p.send(message('nobody@example.com'));
      expect(nobody).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^SMTP 550: .*No such user/) });
      expect(await p.send(message('bob@example.com'))).toMatchObject({ status: 'sent' });
    } finally {
      await p.close();
    }
  });

  it('throws when there is no server (the chunk attempt fails, nothing is marked)', async () => {
    const p = new SmtpProvider({ url: 'smtp://127.0.0.1:1' });
    try {
      await expect(p.send(message('ann@example.com'))).rejects.toThrow(/ECONNREFUSED|connect/);
    } finally {
      await p.close();
    }
  });

  it('is the local email provider when an SMTP URL is given, its password never shown', () => {
    expect(localProviders({ dataRoot: '/tmp/x', smtpUrl: 'smtp://u:pw@127.0.0.1:2525' }).email?.description).toBe(
      'SMTP smtp://u:***@127.0.0.1:2525',
    );
    expect(redactedSmtpUrl('not a url')).toBe('an SMTP server (unparsable URL)');
    expect(classifySmtpError(new Error('x'))).toBeUndefined();
  });
});
