import { describe, expect, it } from 'vitest';
import { countsText, jobActions, jobInProgress, jobStatusLabel, jobSummary, sizeText } from './jobs.js';

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
    // An export: its rows (even none) and its file's size.
    expect(countsText({ rows: 0, bytes: 14 })).toBe('rows 0 · 14 B');
    expect(countsText({ rows: 1200, bytes: 1536 })).toBe('rows 1,200 · 1.5 KB');
  });

  it('sizes and summaries in words', () => {
    expect(sizeText(1023)).toBe('1023 B');
    expect(sizeText(5 * 1024 ** 2 + 104858)).toBe('5.1 MB');
    expect(jobSummary({ kind: 'export', table: 'recipients', format: 'parquet', file: 'exports/r.parquet' })).toBe(
      'export of recipients as PARQUET to exports/r.parquet',
    );
    expect(jobSummary({ kind: 'import', table: 'products', operation: 'insert', file: 'uploads/a/p.csv' })).toBe(
      'insert uploads/a/p.csv into products',
    );
  });
  it('labels and progress', () => {
    expect(jobStatusLabel('finishedWithErrors')).toBe('finished with errors');
    expect(jobInProgress('paused')).toBe(true);
    expect(jobInProgress('finished')).toBe(false);
  });
});
