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
});
