/** `orca run` and a run that pauses: it says why and how to go on, and a line on standard input resumes it. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../test/helpers/fakes/index.js';
import { waitFor } from '../test/helpers/wait.js';
import { stripAnsi } from './output.js';
import { watchPauses } from './runs.js';

describe('orca run: a paused run', () => {
  it('is announced once per pause with its reason; Enter resumes it; the next pause is announced again', async () => {
    const store = new MemoryStore();
    await store.createRun({
      runId: 'r1',
      campaignId: 'c',
      status: 'running',
      startedAt: '2026-11-20T17:00:00.000Z',
      testMode: false,
      variables: {},
    });
    const lines: string[] = [];
    const input = new PassThrough();
    let resumed = 0;
    const stop = watchPauses({
      store,
      runId: 'r1',
      resume: async () => {
        resumed++;
        await store.updateRun('r1', { status: 'running', pausedReason: undefined }, ['paused']);
      },
      stop: async () => expect.unreachable('the run is not stopped'),
      write: (l) => lines.push(stripAnsi(l)),
      input,
      intervalMs: 5,
    });
    try {
      input.write('\n'); // not paused: nothing to resume
      await store.updateRun('r1', { status: 'paused', pausedReason: 'breakpoint before dedup' });
      await waitFor(() => lines.length === 1, { what: 'the announcement' });
      expect(lines).toEqual([
        '‖ run r1 is paused: breakpoint before dedup. Press Enter to resume it (or send a line on standard input); Ctrl-C stops it.',
      ]);
      expect(resumed).toBe(0);
      input.write('\n');
      await waitFor(() => lines.length === 2, { what: 'the resume' });
      expect(resumed).toBe(1);
      expect(lines[1]).toBe('resumed run r1');
      expect((await store.getRun('r1'))?.status).toBe('running');
      await store.updateRun('r1', { status: 'paused', pausedReason: 'activity load failed: suspended' });
      await waitFor(() => lines.length === 3, { what: 'the second announcement' });
      expect(lines[2]).toContain('is paused: activity load failed: suspended.');
    } finally {
      await stop();
    }
  });

  it('stops a paused run once its standard input has ended: nothing could resume it', async () => {
    const store = new MemoryStore();
    await store.createRun({
      runId: 'r1',
      campaignId: 'c',
      status: 'running',
      startedAt: '2026-11-20T17:00:00.000Z',
      testMode: false,
      variables: {},
    });
    const lines: string[] = [];
    const stopped: string[] = [];
    const input = new PassThrough();
    const stop = watchPauses({
      store,
      runId: 'r1',
      resume: async () => expect.unreachable('nothing resumes it'),
      stop: async (reason) => {
        stopped.push(reason);
      },
      write: (l) => lines.push(stripAnsi(l)),
      input,
      intervalMs: 5,
    });
    try {
      input.end();
      await new Promise((r) => input.once('end', r));
      await new Promise((r) => setTimeout(r, 20));
      // Running: the ended input changes nothing.
      expect(stopped).toEqual([]);
      await store.updateRun('r1', { status: 'paused', pausedReason: 'breakpoint before dedup' });
      await waitFor(() => stopped.length === 1, { what: 'the stop' });
      expect(lines).toEqual([
        '‖ run r1 is paused: breakpoint before dedup. Press Enter to resume it (or send a line on standard input); Ctrl-C stops it.',
        'standard input ended, so nothing can resume run r1 any more (the run lives in this process): stopping it.',
      ]);
      expect(stopped).toEqual(['standard input ended while the run was paused']);
    } finally {
      await stop();
    }
  });
});
