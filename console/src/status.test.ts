import { describe, expect, it } from 'vitest';
import { activityLight, campaignStatus, runCommands } from './status.js';
import type { ActivityStatus } from './types.js';

describe('status lights', () => {
  it('every activity status has an icon and a text, so that none relies on colour alone', () => {
    const all: ActivityStatus[] = [
      'pending',
      'running',
      'waiting',
      'needsAttention',
      'interrupted',
      'failed',
      'done',
      'skipped',
      'notRun',
    ];
    const texts = all.map((s) => activityLight(s).text);
    // Nine statuses, nine different texts: two that share a colour (failed, interrupted) still read apart.
    expect(new Set(texts).size).toBe(9);
    for (const s of all) expect(activityLight(s).icon).not.toBe('');
    expect(activityLight('needsAttention')).toEqual({ tone: 'attention', icon: '⚠', text: 'needs attention' });
    expect(activityLight('notRun').text).toBe('not run');
    expect(activityLight('failed').tone).toBe('error');
    // No run yet: pending.
    expect(activityLight(undefined)).toEqual(activityLight('pending'));
  });

  it('a campaign reads running or paused while a run is in progress, else its life-cycle status', () => {
    expect(campaignStatus({ status: 'live', runInProgress: false })).toBe('live');
    expect(
      campaignStatus({
        status: 'scheduled',
        runInProgress: true,
        lastRun: { runId: 'r', status: 'running', startedAt: '', testMode: false },
      }),
    ).toBe('running');
    expect(
      campaignStatus({
        status: 'draft',
        runInProgress: true,
        lastRun: { runId: 'r', status: 'paused', startedAt: '', testMode: true },
      }),
    ).toBe('paused');
    // A finished last run with another still in progress: running.
    expect(
      campaignStatus({
        status: 'live',
        runInProgress: true,
        lastRun: { runId: 'r', status: 'completed', startedAt: '', testMode: false },
      }),
    ).toBe('running');
  });

  it('run commands follow the life cycle: pause a running run, resume a paused one, stop either, restart unless it is stopping', () => {
    expect(runCommands('running')).toEqual({ pause: true, resume: false, stop: true, restart: true });
    expect(runCommands('paused')).toEqual({ pause: false, resume: true, stop: true, restart: true });
    expect(runCommands('completed')).toEqual({ pause: false, resume: false, stop: false, restart: true });
    expect(runCommands('stopping')).toEqual({ pause: false, resume: false, stop: false, restart: false });
    expect(runCommands(undefined).restart).toBe(false);
  });
});
