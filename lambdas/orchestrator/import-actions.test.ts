/** The job actions on an in-memory store: each status a command accepts, the refusal's words, the journal, rollback refusals. */
import { describe, expect, it } from 'vitest';
import { MemoryImportStore } from '../../test/helpers/fakes/imports.js';
import { buildCatalog } from '../catalog/catalog.js';
import { parseImportJob } from '../imports/job.js';
import type { JobStatus } from '../ports/imports.js';
import { actOnJob, beginJob, JobRefused, recordJob, rollbackRefusal } from './import-actions.js';

const catalog = buildCatalog({
  tables: { people: { primaryKey: 'id', location: 'tables/people', columns: { id: 'integer' } } },
});
const definition = parseImportJob(
  { table: 'people', key: 'id', source: { file: 'uploads/p.csv' }, columns: [{ field: 'id', column: 'id' }] },
  'people_job',
  catalog,
);
const AT = '2026-12-01T10:00:00.000Z';

async function jobIn(status: JobStatus) {
  const store = new MemoryImportStore();
  await recordJob(store, definition, 'imp-1', 'ann', AT);
  if (status !== 'editing') await store.updateJob('imp-1', { status });
  return store;
}

describe('import job actions', () => {
  it('a recorded job is editing, with its table and work folder, and starts once', async () => {
    const store = await jobIn('editing');
    expect(await store.getJob('imp-1')).toMatchObject({ status: 'editing', table: 'people', work: 'imports/imp-1' });
    await beginJob(store, 'imp-1', 'ann', AT);
    expect((await store.getJob('imp-1'))?.status).toBe('running');
    await expect(beginJob(store, 'imp-1', 'ann', AT)).rejects.toThrow('job imp-1 cannot start: it is not being edited');
    expect((await store.listJournal('imp-1')).map((e) => e.message)).toEqual(['created by ann', 'started by ann']);
  });

  it('pause from running, resume from paused or pausing, cancel until it ends; refusals name the status', async () => {
    const cases: Array<[JobStatus, 'pause' | 'resume' | 'cancel', JobStatus | string]> = [
      ['running', 'pause', 'pausing'],
      ['paused', 'resume', 'running'],
      ['pausing', 'resume', 'running'],
      ['paused', 'cancel', 'cancelling'],
      ['running', 'cancel', 'cancelling'],
      [
        'finished',
        'cancel',
        'job imp-1 is finished: it cannot be cancelled (only a job running or pausing or paused can)',
      ],
      ['paused', 'pause', 'job imp-1 is paused: it cannot be paused (only a job running can)'],
      ['cancelled', 'resume', 'job imp-1 is cancelled: it cannot be resumed (only a job paused or pausing can)'],
    ];
    for (const [from, action, expected] of cases) {
      const store = await jobIn(from);
      const r = await actOnJob(store, 'imp-1', action, 'bob', AT).catch((e: unknown) => e);
      if (r instanceof JobRefused) {
        expect([r.message, r.kind]).toEqual([expected, 'conflict']);
        expect((await store.getJob('imp-1'))?.status).toBe(from);
      } else {
        expect((r as { status: string }).status).toBe(expected);
        expect((await store.listJournal('imp-1')).at(-1)).toMatchObject({ kind: 'action', actor: 'bob' });
      }
    }
    const missing = await actOnJob(new MemoryImportStore(), 'imp-9', 'pause', 'bob', AT).catch((e: unknown) => e);
    expect([(missing as JobRefused).message, (missing as JobRefused).kind]).toEqual([
      'no import job imp-9',
      'not_found',
    ]);
  });

  it('a rollback is refused while a job of the table is in progress, not for an ended or edited one', async () => {
    for (const [status, refused] of [
      ['running', true],
      ['paused', true],
      ['cancelling', true],
      ['stopping', true],
      ['finished', false],
      ['interrupted', false],
      ['editing', false],
    ] as const) {
      const r = await rollbackRefusal(await jobIn(status), 'people');
      expect(r === undefined ? false : r.startsWith(`job imp-1 (${status}) is in progress on people`)).toBe(refused);
    }
    expect(await rollbackRefusal(await jobIn('running'), 'other')).toBeUndefined();
  });
});
