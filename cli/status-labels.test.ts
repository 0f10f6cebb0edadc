/** How the CLI shows activity statuses: a run's never-started activities read "not run", apart from skipped ones. */
import { describe, expect, it, vi } from 'vitest';
import { printSummary } from './runs.js';
import { statusIcon } from './progress.js';
import { stripAnsi } from './output.js';

describe('activity statuses in the CLI', () => {
  it('a stopped run: "not run" with its own icon for what never started, "skipped" for a branch not taken', () => {
    let out = '';
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      out += `${a.join(' ')}\n`;
    });
    try {
      printSummary({
        runId: 'r1',
        campaignId: 'camp',
        status: 'stopped',
        startedAt: '2026-11-22T12:00:00.000Z',
        endedAt: '2026-11-22T12:00:02.000Z',
        activities: [
          { id: 'build', type: 'buildAudience', status: 'done', rows: 3 },
          { id: 'branch', type: 'deduplication', status: 'skipped' },
          { id: 'later', type: 'deduplication', status: 'notRun' },
        ],
        transitions: [],
      });
    } finally {
      log.mockRestore();
    }
    const lines = stripAnsi(out).split('\n');
    const row = (id: string) => lines.find((l) => l.includes(` ${id} `)) ?? '';
    expect(row('later')).toMatch(/not run/);
    expect(row('later')).not.toMatch(/notRun|skipped/);
    expect(row('branch')).toMatch(/skipped/);
    expect(stripAnsi(statusIcon('notRun'))).not.toBe(stripAnsi(statusIcon('skipped')));
    expect(stripAnsi(statusIcon('notRun'))).not.toBe(stripAnsi(statusIcon('pending')));
  });
});
