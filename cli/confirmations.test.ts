/** `orca run`'s confirmation prompt: what it prints, and that only a "confirm" line sends. */
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ActivityRecord, LogEntry } from '../lambdas/ports/store.js';
import { watchConfirmations } from './confirmations.js';

async function until(f: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !f(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(f()).toBe(true);
}

describe('watchConfirmations', () => {
  it('prints the prepared counts and how to confirm; a bare Enter does nothing, "confirm" confirms that activity once', async () => {
    const activities: ActivityRecord[] = [{ activityId: 'mail', type: 'email', status: 'running' } as ActivityRecord];
    const logs: Array<LogEntry & { id: string }> = [
      {
        id: '1',
        at: '2026-12-01T10:00:00.000Z',
        level: 'info',
        activity: 'mail',
        message: 'prepared: 3 messages to send, 2 excluded (duplicate 1, noAddress 1); waiting for a confirmation',
      },
    ];
    const lines: string[] = [];
    const confirmed: string[] = [];
    const input = new PassThrough();
    const stop = watchConfirmations({
      store: { listActivities: async () => activities, listLogs: async () => logs },
      runId: 'r1',
      confirm: async (id) => {
        confirmed.push(id);
        return true;
      },
      stop: async () => expect.unreachable('the run is not stopped'),
      write: (l) => lines.push(stripVTControlCharacters(l)),
      input,
      intervalMs: 1,
    });
    try {
      input.write('confirm\n');
      activities[0]!.status = 'needsAttention';
      await until(() => lines.length === 1);
      expect(lines[0]).toBe(
        '✉ mail waits for a confirmation before sending (prepared: 3 messages to send, 2 excluded (duplicate 1, noAddress 1)). Type "confirm" + Enter to send, Ctrl-C to stop.',
      );
      // A line typed before the question was asked did not confirm it.
      expect(confirmed).toEqual([]);
      input.write('\n');
      input.write('yes\n');
      await new Promise((r) => setTimeout(r, 10));
      expect(confirmed).toEqual([]);
      input.write('  Confirm \n');
      await until(() => lines.length === 2);
      expect(confirmed).toEqual(['mail']);
      expect(lines[1]).toBe('confirmed mail: sending');
      input.write('confirm\n');
      await new Promise((r) => setTimeout(r, 10));
      expect(confirmed).toEqual(['mail']);
    } finally {
      await stop();
    }
  });

  /** A watcher over one activity that will ask; what it printed, confirmed and stopped. */
  function watcher() {
    const activities: ActivityRecord[] = [{ activityId: 'mail', type: 'email', status: 'running' } as ActivityRecord];
    const seen = { lines: [] as string[], confirmed: [] as string[], stopped: [] as string[] };
    const input = new PassThrough();
    const stop = watchConfirmations({
      store: { listActivities: async () => activities, listLogs: async () => [] },
      runId: 'r1',
      confirm: async (id) => {
        seen.confirmed.push(id);
        return true;
      },
      stop: async (reason) => {
        seen.stopped.push(reason);
      },
      write: (l) => seen.lines.push(stripVTControlCharacters(l)),
      input,
      intervalMs: 1,
    });
    return { activities, seen, input, stop };
  }
  const ENDED =
    'standard input ended, so nothing can confirm mail any more (the run lives in this process): stopping it. To send without the prompt, set sendWithoutConfirmation: true on the activity, or start the run under orca serve and confirm it with orca confirm RUN ACTIVITY.';

  it('`echo confirm | orca run`: the line came before the question and the input ended, so the run stops once, unconfirmed', async () => {
    const w = watcher();
    try {
      w.input.end('confirm\n');
      // The 'end' event comes once the stream is read to its end.
      await new Promise((r) => w.input.once('end', r));
      w.activities[0]!.status = 'needsAttention';
      await until(() => w.seen.stopped.length === 1);
      expect(w.seen.lines).toEqual([
        '✉ mail waits for a confirmation before sending. Type "confirm" + Enter to send, Ctrl-C to stop.',
        ENDED,
      ]);
      expect(w.seen.stopped).toEqual(['standard input ended before mail was confirmed']);
      expect(w.seen.confirmed).toEqual([]);
      await new Promise((r) => setTimeout(r, 10));
      expect(w.seen.stopped).toHaveLength(1);
    } finally {
      await w.stop();
    }
  });

  it('stops the run when the input ends while the question waits; not when "confirm" answered it first', async () => {
    const waiting = watcher();
    const answered = watcher();
    try {
      waiting.activities[0]!.status = 'needsAttention';
      answered.activities[0]!.status = 'needsAttention';
      await until(() => waiting.seen.lines.length === 1 && answered.seen.lines.length === 1);
      answered.input.end('confirm\n');
      waiting.input.end();
      await until(() => waiting.seen.stopped.length === 1 && answered.seen.confirmed.length === 1);
      expect(waiting.seen.lines[1]).toBe(ENDED);
      await new Promise((r) => setTimeout(r, 10));
      expect(answered.seen.stopped).toEqual([]);
      expect(answered.seen.lines[1]).toBe('confirmed mail: sending');
    } finally {
      await waiting.stop();
      await answered.stop();
    }
  });
});
