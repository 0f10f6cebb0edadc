/** A rendered email as nodemailer's message options (the SMTP and outbox providers build the same message). */
import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMessage } from '../ports/channel.js';

export function mailOptions(m: Extract<OutgoingMessage, { channel: 'email' }>): SendMailOptions {
  const e = m.email;
  return {
    from: e.from,
    to: m.to,
    ...(e.replyTo ? { replyTo: e.replyTo } : {}),
    subject: e.subject,
    ...(e.html !== undefined ? { html: e.html } : {}),
    ...(e.text !== undefined ? { text: e.text } : {}),
    headers: { ...e.headers, 'X-Orca-Message-Id': m.messageId },
    // Stable per message: the same message id on a reconciled retry.
    messageId: `<${m.messageId}.${m.runId}@orca>`,
    // Rendered content only: never a file or URL read into the message.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
