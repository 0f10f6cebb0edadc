/**
 * Email over SMTP with nodemailer (a pool of connections to the server of ORCA_SMTP_URL / --smtp):
 * locally, the hand-off to the server counts as the delivery. An SMTP 4xx reply (421, 450, 451,
 * 452, 454: try again later, RFC 5321 §4.2.1) is throttling; a 5xx reply is a refusal of this
 * message; no reply at all (the server is down) fails the chunk's attempt.
 *
 * The message is composed by mail-message.ts (one buffer) and handed to nodemailer's SMTP pool
 * through the transport interface (`send(mail, callback)`, where `mail.message` gives the
 * envelope, the Message-ID and a stream of the message: nodemailer.com "Transports"), not through
 * `sendMail`, whose MailComposer would build the message a second time: the pool keeps what
 * matters (the connections, PIPELINING, RSET after a refused message, a message sent again over
 * another connection when the server closed an idle one).
 */
import { PassThrough } from 'node:stream';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import { type ComposedMail, MailComposer } from './mail-message.js';

/** An SMTP URL without its password, for logs. */
export function redactedSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an SMTP server (unparsable URL)';
  }
}

export function classifySmtpError(e: unknown): SendOutcome | undefined {
  const code = (e as { responseCode?: number })?.responseCode;
  const reason = `SMTP ${code}: ${String((e as { response?: string })?.response ?? (e as Error)?.message).split('\n')[0]}`;
  if (typeof code !== 'number') return undefined;
  if (code >= 400 && code < 500) return { status: 'throttled', reason };
  if (code >= 500 && code < 600) return { status: 'failed', reason };
  return undefined;
}

export interface SmtpSettings {
  url: string;
  /** Connections kept open to the server (default 8: a chunk keeps 32 messages in flight). */
  maxConnections?: number;
}

type PoolMail = Parameters<SMTPPool['send']>[0];

/** What the pool reads of a message (nodemailer's MailMessage, of which it uses these only). */
function poolMessage(mail: ComposedMail): PoolMail {
  const message = {
    getEnvelope: () => mail.envelope,
    messageId: () => mail.messageId,
    getHeader: (name: string) => (name.toLowerCase() === 'message-id' ? mail.messageId : undefined),
    // A new stream each time: the pool sends the message again over another connection when the
    // server closed the first before reading any of it.
    createReadStream: () => new PassThrough().end(mail.raw),
  };
  return { data: {}, message } as unknown as PoolMail;
}

export class SmtpProvider implements MessageProvider {
  readonly channel = 'email' as const;
  readonly handOffIsDelivery = true;
  readonly description: string;
  private readonly pool: SMTPPool;
  private readonly composer = new MailComposer();

  constructor(settings: SmtpSettings) {
    this.description = `SMTP ${redactedSmtpUrl(settings.url)}`;
    this.pool = new SMTPPool({
      url: settings.url,
      maxConnections: settings.maxConnections ?? 8,
      maxMessages: Number.POSITIVE_INFINITY,
    });
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.channel !== 'email') return { status: 'failed', reason: `the SMTP provider sends email, not ${m.channel}` };
    const mail = this.composer.compose(m);
    try {
      await new Promise<void>((resolve, reject) =>
        this.pool.send(poolMessage(mail), (err) => (err ? reject(err) : resolve())),
      );
      return { status: 'sent', providerId: mail.messageId, delivered: true };
    } catch (err) {
      const outcome = classifySmtpError(err);
      if (outcome) return outcome;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
