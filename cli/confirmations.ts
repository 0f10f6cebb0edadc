/**
 * `orca run`'s confirmation prompt: a channel activity of a non-recurring campaign waits for a
 * confirmation before it sends (it needs attention). The prompt prints what was prepared (the
 * prepared step's log line: messages to send and excluded by reason) and how to go on: type
 * `confirm` and Enter to send, Ctrl-C to stop. A bare Enter never sends (it resumes pauses), and
 * a line given before the question was asked does not answer it (the counts are seen first).
 *
 * When standard input ends (a pipe or file that was read to its end, Ctrl-D) while an activity
 * waits, or before one asks, nothing can confirm it any more: `orca run` holds the data folder and
 * serves no API, so no other command reaches its run. The watcher then says so and stops the run
 * (`orca run` exits 1, the run `stopped`), instead of waiting forever.
 */
import { pollEvery } from './runs.js';
import type { StatusStore } from '../lambdas/ports/store.js';
import { color } from './output.js';

export const CONFIRM_WORD = 'confirm';

export function watchConfirmations(o: {
  store: Pick<StatusStore, 'listActivities' | 'listLogs'>;
  runId: string;
  confirm: (activityId: string) => Promise<boolean>;
  /** Stops the run (standard input ended while a confirmation is awaited). */
  stop: (reason: string) => Promise<unknown>;
  write: (line: string) => void;
  input: NodeJS.ReadableStream & { unref?: () => void };
  intervalMs?: number;
}): () => Promise<void> {
  /** The activities announced and not confirmed yet, in the order they asked. */
  const waiting: string[] = [];
  const announced = new Set<string>();
  let inputEnded = false;
  let stopping = false;
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
    if (asking.length) await announce(asking.map((a) => a.activityId));
    if (inputEnded && waiting.length && !stopping) {
      stopping = true;
      const which = waiting.join(', ');
      o.write(
        color.red(
          `standard input ended, so nothing can confirm ${which} any more (the run lives in this process): stopping it. To send without the prompt, set sendWithoutConfirmation: true on the activity, or start the run under orca serve and confirm it with orca confirm RUN ACTIVITY.`,
        ),
      );
      await o
        .stop(`standard input ended before ${which} was confirmed`)
        .catch((e) => o.write(color.red(`could not stop the run: ${(e as Error).message}`)));
    }
  };
  const announce = async (asking: string[]) => {
    const logs = await o.store.listLogs(o.runId);
    for (const activityId of asking) {
      announced.add(activityId);
      waiting.push(activityId);
      const prepared = [...logs].reverse().find((l) => l.activity === activityId && l.message.startsWith('prepared:'));
      o.write(
        color.yellow(
          `✉ ${activityId} waits for a confirmation before sending${prepared ? ` (${prepared.message.replace(/; waiting for a confirmation$/, '')})` : ''}. Type "${CONFIRM_WORD}" + Enter to send, Ctrl-C to stop.`,
        ),
      );
    }
  };
  const onEnd = () => {
    inputEnded = true;
  };
  o.input.on('data', onData);
  o.input.once('end', onEnd);
  o.input.unref?.();
  const stop = pollEvery(check, o.intervalMs ?? 200);
  return async () => {
    o.input.off('data', onData);
    o.input.off('end', onEnd);
    await stop();
  };
}
