/**
 * Email over SMTP with nodemailer (a pooled transport to the server of ORCA_SMTP_URL / --smtp):
 * locally, the hand-off to the server counts as the delivery. An SMTP 4xx reply (421, 450, 451,
 * 452, 454: try again later, RFC 5321 §4.2.1) is throttling; a 5xx reply is a refusal of this
 * message; no reply at all (the server is down) fails the chunk's attempt.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import { mailOptions } from './mail-message.js';

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
  /** Connections kept open to the server (nodemailer's pool). */
  maxConnections?: number;
}

export class SmtpProvider implements MessageProvider {
  readonly channel = 'email' as const;
  readonly handOffIsDelivery = true;
  readonly description: string;
  private readonly transport: Transporter;

  constructor(settings: SmtpSettings) {
    this.description = `SMTP ${redactedSmtpUrl(settings.url)}`;
    this.transport = nodemailer.createTransport({
      url: settings.url,
      pool: true,
      maxConnections: settings.maxConnections ?? 5,
      maxMessages: Number.POSITIVE_INFINITY,
    });
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.channel !== 'email') return { status: 'failed', reason: `the SMTP provider sends email, not ${m.channel}` };
    try {
      const info = await this.transport.sendMail(mailOptions(m));
      return { status: 'sent', providerId: info.messageId, delivered: true };
    } catch (err) {
      const outcome = classifySmtpError(err);
      if (outcome) return outcome;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
