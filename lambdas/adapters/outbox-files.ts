/**
 * The local outbox's layout: `<data>/outbox/<runId>/<messageId>.eml` (or `.sms.json`, `.push.json`)
 * and `<data>/outbox/<runId>/index.jsonl`, one line per message handed over. Written by the outbox
 * provider, read by `orca outbox`. Every path is checked to stay inside the data folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Channel } from '../channels/columns.js';

export interface OutboxEntry {
  messageId: string;
  channel: Channel;
  to: string;
  /** The message's file, relative to the run's outbox folder. */
  file: string;
  at: string;
  campaignId: string;
  runId: string;
  activityId: string;
  key: string;
  /** The email's subject, the push's title, or the SMS text's beginning: what a listing shows. */
  summary: string;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
export const OUTBOX_INDEX = 'index.jsonl';
export const OUTBOX_EXTENSIONS: Record<Channel, string> = { email: '.eml', sms: '.sms.json', push: '.push.json' };

/**
 * `<data>/outbox`, or a run's folder in it. Ids are letters, digits, `_` and `-` only (no separator,
 * no `.`): a path built from them cannot leave the outbox folder.
 */
export function outboxFolder(dataRoot: string, runId?: string): string {
  const outbox = join(resolve(dataRoot), 'outbox');
  if (runId === undefined) return outbox;
  if (!ID.test(runId)) throw new Error(`'${runId.slice(0, 40)}' is not a run id`);
  return join(outbox, runId);
}

/** A message's file name in its run's folder. */
export function outboxFileName(messageId: string, channel: Channel): string {
  if (!ID.test(messageId)) throw new Error(`'${messageId.slice(0, 40)}' is not a message id`);
  return `${messageId}${OUTBOX_EXTENSIONS[channel]}`;
}

/** A run's index, in the order messages were handed over (absent: none). */
export async function readOutboxIndex(dataRoot: string, runId: string): Promise<OutboxEntry[]> {
  let text: string;
  try {
    text = await readFile(join(outboxFolder(dataRoot, runId), OUTBOX_INDEX), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OutboxEntry);
}

/** The runs with an outbox folder, most recently written first. */
export async function listOutboxRuns(dataRoot: string): Promise<{ runId: string; updatedAt: Date }[]> {
  let names: string[];
  try {
    names = await readdir(outboxFolder(dataRoot));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const runs = await Promise.all(
    names
      .filter((n) => ID.test(n))
      .map(async (runId) => {
        const s = await stat(join(outboxFolder(dataRoot, runId), OUTBOX_INDEX)).catch(() => undefined);
        return s ? { runId, updatedAt: s.mtime } : undefined;
      }),
  );
  return runs.filter((r) => r !== undefined).sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
}
