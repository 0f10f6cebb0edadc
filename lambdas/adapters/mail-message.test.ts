/**
 * The composed message, read back by mailparser (what a mail client sees) and checked line by line
 * against the RFC rules it must keep.
 */
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { type EmailMessage, MailComposer, mailDate } from './mail-message.js';

const date = new Date('2026-12-01T10:00:05.000Z');

const message = (over: Partial<EmailMessage['email']> = {}, to = 'ann@example.com'): EmailMessage => ({
  messageId: '0cc175b9c0f1b6a831c399e269772661',
  campaignId: 'winback',
  runId: 'r1',
  activityId: 'mail',
  key: '42',
  to,
  channel: 'email',
  email: { from: 'news@shop.example', subject: 'Hi', text: 'Hi', headers: {}, ...over },
});

const compose = (m: EmailMessage) => new MailComposer().compose(m, date);
const lines = (raw: Buffer) => raw.toString('latin1').split('\r\n');
/** The header block, folded lines joined (RFC 5322 §2.2.3 unfolding). */
const headerBlock = (raw: Buffer) =>
  raw
    .toString('latin1')
    .split('\r\n\r\n')[0]!
    .replace(/\r\n([ \t])/g, '$1');
const headerValue = (raw: Buffer, name: string) =>
  headerBlock(raw)
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}: `))
    ?.slice(name.length + 2);

describe('MailComposer', () => {
  it('writes text and HTML as multipart/alternative, HTML last, with the headers a client reads', async () => {
    const m = message({
      from: 'Shop <news@shop.example>',
      replyTo: 'Help desk <help@shop.example>',
      subject: 'Bonjour Zoë, -20% 🎉',
      html: '<p>Hi <b>Zoë</b></p>',
      text: 'Hi Zoë\n\nUnsubscribe: http://127.0.0.1:7777/u/abc.def',
      headers: {
        'List-Unsubscribe': '<http://127.0.0.1:7777/u/abc.def>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const composed = compose(m);
    expect(composed.envelope).toEqual({ from: 'news@shop.example', to: ['ann@example.com'] });
    expect(composed.messageId).toBe('<0cc175b9c0f1b6a831c399e269772661.r1@orca>');
    const mail = await simpleParser(composed.raw);
    expect(mail.subject).toBe('Bonjour Zoë, -20% 🎉');
    expect(mail.from?.value).toEqual([{ address: 'news@shop.example', name: 'Shop' }]);
    expect(mail.replyTo?.value).toEqual([{ address: 'help@shop.example', name: 'Help desk' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([{ address: 'ann@example.com', name: '' }]);
    expect(mail.messageId).toBe('<0cc175b9c0f1b6a831c399e269772661.r1@orca>');
    expect(mail.date?.toISOString()).toBe('2026-12-01T10:00:05.000Z');
    expect(mail.html).toBe('<p>Hi <b>Zoë</b></p>');
    expect(mail.text).toBe('Hi Zoë\n\nUnsubscribe: http://127.0.0.1:7777/u/abc.def');
    expect(headerValue(composed.raw, 'List-Unsubscribe')).toBe('<http://127.0.0.1:7777/u/abc.def>');
    expect(headerValue(composed.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(headerValue(composed.raw, 'X-Orca-Message-Id')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(headerValue(composed.raw, 'MIME-Version')).toBe('1.0');
    // RFC 2046 §5.1.4: the parts in increasing order of preference.
    const types = headerBlock(composed.raw)
      .concat('\r\n', composed.raw.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n'))
      .split('\r\n')
      .filter((l) => l.startsWith('Content-Type: '));
    expect(types).toEqual([
      'Content-Type: multipart/alternative; boundary="=_orca_0cc175b9c0f1b6a831c399e269772661"',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Type: text/html; charset=utf-8',
    ]);
    expect(lines(composed.raw).filter((l) => l.startsWith('--=_orca_'))).toEqual([
      '--=_orca_0cc175b9c0f1b6a831c399e269772661',
      '--=_orca_0cc175b9c0f1b6a831c399e269772661',
      '--=_orca_0cc175b9c0f1b6a831c399e269772661--',
    ]);
  });

  it('keeps every line within the limits: CRLF only, ASCII only, bodies and folded headers within 76 characters', async () => {
    const long = `${'Dear customer, '.repeat(20)}=equals= and trailing spaces   \nnext line\t\n.a dot first\n${'x'.repeat(200)}`;
    const subject = `A long subject line ${'with many words '.repeat(8)}and Zoë at the end`;
    const m = message({ subject, text: long, html: `<p>${long}</p>` });
    const { raw } = compose(m);
    const text = raw.toString('latin1');
    // RFC 5322 §2.3: CR and LF only together; 7-bit: every non-ASCII byte encoded.
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect([...raw].every((b) => b < 0x80)).toBe(true);
    const [head, ...rest] = text.split('\r\n\r\n');
    // RFC 5322 §2.1.1 (78) with room; the unsubscribe URL, which cannot be folded, is the exception.
    for (const l of head!.split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
    // RFC 2045 §6.7 (5): encoded lines of at most 76 characters.
    for (const l of rest.join('\r\n\r\n').split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toBe(long);
    expect(mail.html).toBe(`<p>${long}</p>`);
  });

  it('encodes mostly non-ASCII text as base64, and round-trips it', async () => {
    const greek = 'Καλημέρα Ζωή, η προσφορά σας: −20 % σε όλα.\nΕυχαριστούμε.';
    const { raw } = compose(message({ text: greek, html: undefined }));
    expect(headerBlock(raw)).toContain('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64');
    const mail = await simpleParser(raw);
    expect(mail.text).toBe(greek);
    expect(mail.html).toBe(false);
  });

  it('writes an HTML-only email as a single text/html part', async () => {
    const { raw } = compose(message({ text: undefined, html: '<p>only</p>' }));
    expect(lines(raw).filter((l) => l.startsWith('Content-Type: '))).toEqual([
      'Content-Type: text/html; charset=utf-8',
    ]);
    expect((await simpleParser(raw)).html).toBe('<p>only</p>');
  });

  it('never lets a value start a header of its own, and quotes or encodes display names', async () => {
    const m = message({
      from: '"Shop, Inc." <news@shop.example>',
      replyTo: 'Zoë Café <zoe@shop.example>',
      subject: 'Hi\r\nBcc: victim@example.com',
      headers: { 'X-Note': 'one\ntwo' },
    });
    const { raw } = compose(m);
    expect(
      headerBlock(raw)
        .split('\r\n')
        .filter((l) => /^bcc:/i.test(l)),
    ).toEqual([]);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Hi Bcc: victim@example.com');
    expect(mail.bcc).toBeUndefined();
    expect(mail.from?.value).toEqual([{ address: 'news@shop.example', name: 'Shop, Inc.' }]);
    expect(mail.replyTo?.value).toEqual([{ address: 'zoe@shop.example', name: 'Zoë Café' }]);
    expect(headerValue(raw, 'X-Note')).toBe('one two');
    expect(() => compose(message({ headers: { 'Bad: name': 'x' } }))).toThrow(/not a header field name/);
  });

  it('writes the date with a numeric zone (RFC 5322 §3.3)', () => {
    expect(mailDate(date)).toBe('Tue, 01 Dec 2026 10:00:05 +0000');
  });
});
