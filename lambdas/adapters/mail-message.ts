/**
 * A rendered email as the RFC 5322 message the SMTP server receives and the outbox keeps (`.eml`):
 * composed here in one pass into one buffer, instead of by nodemailer's MailComposer (a tree of
 * MIME nodes streamed through several transforms: ~1 ms of CPU a message, more than the rest of
 * the send). The encodings are nodemailer's own functions (mime-funcs, qp, addressparser):
 *
 * - headers (RFC 5322 §2.2, §3.6): folded at 76 characters on whitespace (a value without any,
 *   such as the unsubscribe URL, stays on one line: well within the 998 of §2.1.1); text outside
 *   printable ASCII as RFC 2047 encoded words; CR and LF in a value become spaces (no header can
 *   be injected by a row's value); `Date` with a numeric zone (§3.3), `Message-ID` stable per
 *   message (`<id.run@orca>`: a reconciled retry keeps it), `MIME-Version: 1.0` (RFC 2045 §4);
 * - bodies (RFC 2045 §6): UTF-8, quoted-printable (lines of at most 76, trailing white space and
 *   `=` encoded, line breaks as CRLF), or base64 when more than a sixth of the bytes are not ASCII
 *   (quoted-printable would then be the larger); text and HTML together as multipart/alternative,
 *   the HTML last (RFC 2046 §5.1.4: the preferred part last). The boundary holds `=_`, which neither
 *   encoding can produce, so it never occurs in a body.
 *
 * What is the same for every message of a sender (its From and Reply-To headers, the envelope's
 * sender) is built once per `from` and kept: a chunk's messages share it.
 */
import addressparser from 'nodemailer/lib/addressparser';
import { encodeWords, isPlainText, quoteString, foldLines } from 'nodemailer/lib/mime-funcs';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { OutgoingMessage } from '../ports/channel.js';

export type EmailMessage = Extract<OutgoingMessage, { channel: 'email' }>;

export interface ComposedMail {
  /** The SMTP envelope: MAIL FROM and RCPT TO (bare addresses). */
  envelope: { from: string; to: string[] };
  /** The Message-ID header's value, angle brackets included. */
  messageId: string;
  /** The whole message, CRLF line ends, 7-bit ASCII (every non-ASCII byte encoded). */
  raw: Buffer;
}

/** Stable per message: the same Message-ID on a reconciled retry. */
export const mailMessageId = (m: Pick<EmailMessage, 'messageId' | 'runId'>): string =>
  `<${m.messageId}.${m.runId}@orca>`;

const LINE = 76;
const NEWLINES = /\r\n|\r|\n/g;
/** A header field name: printable ASCII but the colon (RFC 5322 §2.2). */
const FIELD_NAME = /^[!-9;-~]+$/;

/** One header line (folded), CRLF included. */
function header(name: string, value: string): string {
  const line = `${name}: ${value}`;
  return `${line.length <= LINE ? line : foldLines(line, LINE)}\r\n`;
}

/** An unstructured header's value (Subject, extra headers): one line, encoded words where needed. */
function unstructured(value: string): string {
  const one = value.replace(NEWLINES, ' ');
  return isPlainText(one) && !one.includes('=?') ? one : encodeWords(one, 'Q', 52);
}

/** A mailbox (`Name <address>` or `address`) as a header value; its bare address. */
function mailbox(text: string): { value: string; address: string } {
  const parsed = addressparser(text.replace(NEWLINES, ' '), { flatten: true })[0];
  const address = parsed?.address || text.trim();
  const name = parsed?.name?.trim();
  if (!name) return { value: address, address };
  // RFC 5322 §3.2.3: a display name with specials is a quoted-string (and one holding `=` or `?`,
  // which could read as an encoded word); one with non-ASCII text, encoded words (RFC 2047 §5).
  const display = !isPlainText(name)
    ? encodeWords(name, 'Q', 52, true)
    : /^[\w !#$%&'*+\-/^`{|}~]*$/.test(name)
      ? name
      : quoteString(name);
  return { value: `${display} <${address}>`, address };
}

/**
 * A body part's headers and encoded content: quoted-printable, or base64 for mostly non-ASCII
 * text. No line break at its end: the one before a boundary belongs to the boundary (RFC 2046 §5.1.1).
 */
function bodyPart(type: 'text/plain' | 'text/html', content: string): string {
  const bytes = Buffer.from(content.replace(NEWLINES, '\r\n'), 'utf8');
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) high++;
  const base64 = high * 6 > bytes.length;
  const encoded = base64 ? wrapBase64(bytes.toString('base64')) : qpWrap(qpEncode(bytes), LINE);
  return `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${base64 ? 'base64' : 'quoted-printable'}\r\n\r\n${encoded}`;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8). */
function wrapBase64(b64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  return lines.join('\r\n');
}

/** RFC 5322 §3.3 date-time, numeric zone: `Tue, 01 Dec 2026 15:42:25 +0000`. */
export function mailDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

interface Sender {
  headers: string;
  address: string;
}

/**
 * Composes emails. Keeps the sender's headers per `from` and `replyTo` (a deployment sends from
 * a few addresses: the kept ones are bounded).
 */
export class MailComposer {
  private readonly senders = new Map<string, Sender>();

  private sender(e: EmailMessage['email']): Sender {
    const key = `${e.from}\n${e.replyTo ?? ''}`;
    let s = this.senders.get(key);
    if (!s) {
      const from = mailbox(e.from);
      s = {
        headers: header('From', from.value) + (e.replyTo ? header('Reply-To', mailbox(e.replyTo).value) : ''),
        address: from.address,
      };
      if (this.senders.size >= 64) this.senders.clear();
      this.senders.set(key, s);
    }
    return s;
  }

  compose(m: EmailMessage, date: Date = new Date()): ComposedMail {
    const e = m.email;
    const sender = this.sender(e);
    const messageId = mailMessageId(m);
    let head =
      sender.headers +
      header('To', m.to) +
      header('Subject', unstructured(e.subject)) +
      header('Date', mailDate(date)) +
      header('Message-ID', messageId);
    for (const [name, value] of Object.entries(e.headers)) {
      if (!FIELD_NAME.test(name)) throw new Error(`'${name}' is not a header field name`);
      head += header(name, unstructured(value));
    }
    head += header('X-Orca-Message-Id', m.messageId);
    head += 'MIME-Version: 1.0\r\n';
    let body: string;
    if (e.html !== undefined && e.text !== undefined) {
      // The message id is hex: the boundary is short enough (RFC 2046 §5.1.1: at most 70 characters).
      const boundary = `=_orca_${m.messageId.slice(0, 40)}`;
      body =
        `${header('Content-Type', `multipart/alternative; boundary="${boundary}"`)}\r\n` +
        `--${boundary}\r\n${bodyPart('text/plain', e.text)}\r\n` +
        `--${boundary}\r\n${bodyPart('text/html', e.html)}\r\n` +
        `--${boundary}--\r\n`;
    } else body = bodyPart(e.html !== undefined ? 'text/html' : 'text/plain', e.html ?? e.text ?? '');
    return {
      envelope: { from: sender.address, to: [m.to] },
      messageId,
      raw: Buffer.from(head + body, 'latin1'),
    };
  }
}
