import { describe, expect, it } from 'vitest';
import { MemoryImportStore } from '../../test/helpers/fakes/imports.js';
import type { JobRecord } from '../ports/imports.js';
import { FsObjectStore } from './fs-objects.js';
import { CloudImportPlatform } from './cloud-import-platform.js';

const job = (id: string): JobRecord =>
  ({
    id,
    name: 'crm',
    table: 'recipients',
    status: 'editing',
    createdAt: '2026-12-01T10:00:00Z',
    work: `imports/${id}`,
  }) as JobRecord;

function platform(
  launch: (id: string) => Promise<{ execution?: string }>,
  launchExport: (id: string) => Promise<{ execution?: string }> = async () => {
    throw new Error('not the export machine');
  },
) {
  const store = new MemoryImportStore();
  const cancelled: string[] = [];
  const p = new CloudImportPlatform({
    store,
    launcher: { start: launch },
    exportLauncher: { start: launchExport },
    cancelMatching: (text) => cancelled.push(text),
    objects: new FsObjectStore('/nonexistent'),
    clock: () => new Date('2026-12-01T10:00:05Z'),
  });
  return { store, cancelled, p };
}

describe('CloudImportPlatform: import jobs as executions of the job machine', () => {
  it('start: the job is running (journalled with its actor) before its execution starts', async () => {
    const seen: string[] = [];
    const { store, p } = platform(async (id) => {
      seen.push(`${id} ${(await store.getJob(id))?.status}`);
      return { execution: 'arn:exec' };
    });
    await store.createJob(job('imp-1'));
    await p.start('imp-1', 'ann');
    expect(seen).toEqual(['imp-1 running']);
    expect((await store.getJob('imp-1'))?.startedAt).toBe('2026-12-01T10:00:05.000Z');
    expect((await store.listJournal('imp-1')).map((e) => e.message)).toEqual(['started by ann']);
  });

  it('an execution that cannot start ends the job with the reason instead of leaving it running', async () => {
    const { store, p } = platform(async () => {
      throw new Error('AccessDeniedException: not authorized');
    });
    await store.createJob(job('imp-2'));
    await expect(p.start('imp-2', 'ann')).rejects.toThrow(/AccessDenied/);
    const after = await store.getJob('imp-2');
    expect(after?.status).toBe('finishedWithErrors');
    expect(after?.error).toMatch(/could not be started: AccessDeniedException/);
  });

  it('a job that is not being edited does not start twice; cancel stops the queries naming the job', async () => {
    const { store, p, cancelled } = platform(async () => ({}));
    await store.createJob({ ...job('imp-3'), status: 'finished' });
    await expect(p.start('imp-3', 'ann')).rejects.toThrow(/not being edited/);
    await p.cancelled(job('imp-3'));
    expect(cancelled).toEqual(['imp-3']);
    expect(await p.rejects(job('imp-3'), 10, 0)).toEqual([]);
  });

  it('startExport: an export job starts as an execution of the export machine, not the import machine', async () => {
    const exports: string[] = [];
    const { store, p } = platform(
      async () => {
        throw new Error('not the import machine');
      },
      async (id) => {
        exports.push(`${id} ${(await store.getJob(id))?.status}`);
        return { execution: 'arn:exec' };
      },
    );
    await store.createJob({ ...job('exp-1'), kind: 'export' } as unknown as JobRecord);
    await p.startExport('exp-1', 'ann');
    expect(exports).toEqual(['exp-1 running']);
    expect((await store.listJournal('exp-1')).map((e) => e.message)).toEqual(['started by ann']);
  });
});
