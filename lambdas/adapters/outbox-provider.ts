/**
 * The default local provider: each message becomes a file in `<data>/outbox/<runId>/` (an RFC 822
 * `.eml`, the message an SMTP server would receive, composed by mail-message.ts; or the SMS or push as JSON) and a line of the run's
 * `index.jsonl`. Handing it to the folder is its delivery.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Channel } from '../channels/columns.js';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import { MailComposer } from './mail-message.js';
import { OUTBOX_INDEX, type OutboxEntry, outboxFileName, outboxFolder } from './outbox-files.js';

export class OutboxProvider implements MessageProvider {
  readonly handOffIsDelivery = true;
  readonly description: string;
  private readonly created = new Set<string>();
  private readonly composer = new MailComposer();

  constructor(
    readonly channel: Channel,
    private readonly dataRoot: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.description = `outbox folder ${outboxFolder(dataRoot)}`;
  }

  private async folder(runId: string): Promise<string> {
    const folder = outboxFolder(this.dataRoot, runId);
    if (!this.created.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.created.add(folder);
    }
    return folder;
  }

  private content(m: OutgoingMessage): { body: string | Buffer; summary: string } {
    if (m.channel === 'email') {
      return { body: this.composer.compose(m, this.now()).raw, summary: m.email.subject };
    }
    const { channel, ...rest } = m;
    const json = `${JSON.stringify({ channel, ...rest }, null, 2)}\n`;
    return { body: json, summary: m.channel === 'sms' ? m.sms.text.slice(0, 80) : m.push.title };
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.channel !== this.channel)
      return { status: 'failed', reason: `this outbox takes ${this.channel} messages, not ${m.channel}` };
    const folder = await this.folder(m.runId);
    const file = outboxFileName(m.messageId, m.channel);
    const { body, summary } = this.content(m);
    await writeFile(join(folder, file), body);
    const entry: OutboxEntry = {
      messageId: m.messageId,
      channel: m.channel,
      to: m.to,
      file,
      at: this.now().toISOString(),
      campaignId: m.campaignId,
      runId: m.runId,
      activityId: m.activityId,
      key: m.key,
      summary,
    };
    await appendFile(join(folder, OUTBOX_INDEX), `${JSON.stringify(entry)}\n`);
    return { status: 'sent', providerId: file, delivered: true };
  }

  async close(): Promise<void> {}
}
