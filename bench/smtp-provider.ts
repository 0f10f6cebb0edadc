/**
 * An email provider for the benchmark: nodemailer's pooled SMTP transport (the connections stay
 * open, several in parallel). A 4xx answer is a throttling, a 5xx a refusal (RFC 5321 §4.2.1).
 */
import nodemailer from 'nodemailer';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../lambdas/ports/channel.js';

export function smtpProvider(port: number, connections: number): MessageProvider {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  return {
    channel: 'email',
    description: `smtp://127.0.0.1:${port}`,
    async send(m: OutgoingMessage): Promise<SendOutcome> {
      if (m.channel !== 'email') return { status: 'failed', reason: `not an email: ${m.channel}` };
      try {
        const info = await transport.sendMail({
          from: m.email.from,
          to: m.to,
          subject: m.email.subject,
          html: m.email.html,
          text: m.email.text,
          headers: m.email.headers,
          messageId: `<${m.messageId}@orca.local>`,
        });
        return { status: 'sent', providerId: info.messageId, delivered: true };
      } catch (e) {
        const code = (e as { responseCode?: number }).responseCode;
        if (code && code >= 500) return { status: 'failed', reason: (e as Error).message };
        if (code && code >= 400) return { status: 'throttled', reason: (e as Error).message };
        throw e;
      }
    },
    async close() {
      transport.close();
    },
  };
}
