import { describe, expect, it } from 'vitest';
import { countsText, jobActions, jobInProgress, jobStatusLabel } from './jobs.js';

describe('jobs in the console', () => {
  it('actions as the API allows them: pause while running, resume while paused, cancel until the end', () => {
    expect(jobActions('running')).toEqual(['pause', 'cancel']);
    expect(jobActions('pausing')).toEqual(['resume', 'cancel']);
    expect(jobActions('paused')).toEqual(['resume', 'cancel']);
    for (const s of ['finished', 'cancelled', 'cancelling', 'finishedWithErrors', 'interrupted', 'editing'] as const)
      expect(jobActions(s)).toEqual([]);
  });
  it('counts in words: read always, the others when not zero', () => {
    expect(countsText({ read: 3, inserted: 1, updated: 1, unchanged: 0, rejected: 1 })).toBe(
      'read 3 · inserted 1 · updated 1 · rejected 1',
    );
    expect(countsText({ read: 1234567, deleted: 2 })).toBe('read 1,234,567 · deleted 2');
    expect(countsText({})).toBe('—');
  });
  it('labels and progress', () => {
    expect(jobStatusLabel('finishedWithErrors')).toBe('finished with errors');
    expect(jobInProgress('paused')).toBe(true);
    expect(jobInProgress('finished')).toBe(false);
  });
});
