/**
 * `orca run`'s confirmation prompt: a channel activity of a non-recurring campaign waits for a
 * confirmation before it sends (it needs attention). The prompt prints what was prepared (the
 * prepared step's log line: messages to send and excluded by reason) and how to go on: type
 * `confirm` and Enter to send, Ctrl-C to stop. A bare Enter never sends (it resumes pauses).
 */
import { pollEvery } from './runs.js';
import type { StatusStore } from '../lambdas/ports/store.js';
import { color } from './output.js';

export const CONFIRM_WORD = 'confirm';

export function watchConfirmations(o: {
  store: Pick<StatusStore, 'listActivities' | 'listLogs'>;
  runId: string;
  confirm: (activityId: string) => Promise<boolean>;
  write: (line: string) => void;
  input: NodeJS.ReadableStream & { unref?: () => void };
  intervalMs?: number;
}): () => Promise<void> {
  /** The activities announced and not confirmed yet, in the order they asked. */
  const waiting: string[] = [];
  const announced = new Set<string>();
  const onData = (chunk: Buffer | string) => {
    const lines = String(chunk)
      .split(/\r?\n/)
      .map((l) => l.trim().toLowerCase());
    if (!lines.includes(CONFIRM_WORD) || !waiting.length) return;
    const activityId = waiting.shift()!;
    o.confirm(activityId)
      .then((ok) =>
        o.write(
          ok
            ? color.dim(`confirmed ${activityId}: sending`)
            : color.red(`${activityId} is not waiting for a confirmation any more`),
        ),
      )
      .catch((e) => o.write(color.red(`could not confirm ${activityId}: ${(e as Error).message}`)));
  };
  const check = async () => {
    const activities = await o.store.listActivities(o.runId);
    const asking = activities.filter((a) => a.status === 'needsAttention' && !announced.has(a.activityId));
    if (!asking.length) return;
    const logs = await o.store.listLogs(o.runId);
    for (const a of asking) {
      announced.add(a.activityId);
      waiting.push(a.activityId);
      const prepared = [...logs]
        .reverse()
        .find((l) => l.activity === a.activityId && l.message.startsWith('prepared:'));
      o.write(
        color.yellow(
          `✉ ${a.activityId} waits for a confirmation before sending${prepared ? ` (${prepared.message.replace(/; waiting for a confirmation$/, '')})` : ''}. Type "${CONFIRM_WORD}" + Enter to send, Ctrl-C to stop.`,
        ),
      );
    }
  };
  o.input.on('data', onData);
  o.input.unref?.();
  const stop = pollEvery(check, o.intervalMs ?? 200);
  return async () => {
    o.input.off('data', onData);
    await stop();
  };
}
