/**
 * After a crash: `orca serve` is killed (SIGKILL, as kill -9) while a run waits in an activity;
 * the next process that opens the data folder marks that run and its running activity
 * interrupted, the activities that never started not run, and frees the campaign for a new run.
 * An import job's process killed after its apply stage wrote the table's next version and before
 * its swap: the next open marks the job interrupted, removes the version, and the table is as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { LocalRuntime } from '../runtime/local-runtime.js';
import { LocalImports } from '../runtime/local-imports.js';
import { pinnedCatalog } from '../lambdas/orchestrator/import-versions.js';
import { PEOPLE, peopleCatalog } from './fixtures/people-import.js';
import { ROOT } from './helpers/cli.js';
import { sampleDataFolder } from './helpers/sample-data.js';
import { waitFor } from './helpers/wait.js';

const data = sampleDataFolder('orca-crash-');

/** What the test reads of the API's answers. */
type Body = { runId: string; activities: Array<{ id: string; status: string }> };

/** Keeps state (an incremental query), so a run left holding it would block the next start. */
const campaign = {
  id: 'crashing',
  label: 'Killed mid-run',
  dimension: 'recipients',
  timezone: 'UTC',
  activities: [
    { id: 'fresh', type: 'incrementalQuery', query: { attribute: 'country', operator: 'equal', value: 'FR' } },
    { id: 'hold', type: 'wait', duration: { value: 1, unit: 'hours' } },
    { id: 'dedup', type: 'deduplication', fields: ['email'] },
    { id: 'done', type: 'end' },
  ],
  transitions: [
    { from: 'fresh', to: 'hold' },
    { from: 'hold', to: 'dedup' },
    { from: 'dedup', to: 'done' },
  ],
};

describe('crash recovery', () => {
  it('kill -9 of orca serve mid-run: reopening the data folder marks the run and its running activity interrupted', async () => {
    const server = spawn(
      process.execPath,
      [join(ROOT, 'bin/orca.js'), 'serve', '--port', '0', '--data', data, '--quiet'],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((r) => server.once('exit', r));
    let runId: string;
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        server.once('exit', (code) => reject(new Error(`orca serve exited (${code})`)));
        server.stdout!.on('data', (d: Buffer) => {
          const m = /orca API on (http:\/\/[^ ]+)/.exec(d.toString());
          if (m) resolve(m[1]!);
        });
      });
      const call = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(`${endpoint}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: r.status, body: (await r.json()) as Body };
      };
      expect((await call('POST', '/campaigns', campaign)).status).toBe(201);
      expect((await call('POST', '/campaigns/crashing/publish')).status).toBe(200);
      const started = await call('POST', '/campaigns/crashing/runs', {});
      expect(started.status).toBe(202);
      runId = started.body.runId;
      await waitFor(
        async () => {
          const run = (await call('GET', `/runs/${runId}`)).body;
          return run.activities.find((a) => a.id === 'hold')?.status === 'running';
        },
        { what: 'the wait activity running' },
      );
    } finally {
      server.kill('SIGKILL');
      await exited;
    }

    const rt = await LocalRuntime.open({ dataRoot: data, catalog: loadCatalog(join(ROOT, 'examples/catalog.yaml')) });
    try {
      expect(await rt.store.getRun(runId)).toMatchObject({ status: 'interrupted', endedAt: expect.any(String) });
      const statuses = Object.fromEntries((await rt.store.listActivities(runId)).map((a) => [a.activityId, a.status]));
      expect(statuses).toEqual({ fresh: 'done', hold: 'interrupted', dedup: 'notRun', done: 'notRun' });
      expect(await rt.store.campaignRuns('crashing')).toEqual({ running: [] });
    } finally {
      await rt.close();
    }
  });

  it('kill -9 of an import job between its apply and its swap: the job interrupted, every row of the table as it was', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orca-killed-import-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/import-until-apply.ts'), root], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    let jobId: string;
    let next: string;
    try {
      [jobId, next] = await new Promise<[string, string]>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the import program exited (${code})`)));
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /applied (\S+) (\S+)\n/.exec(out);
          if (m) resolve([m[1]!, m[2]!]);
        });
      });
      // The next version is written, whole, and not swapped.
      expect(readdirSync(join(root, next)).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const rt = await LocalRuntime.open({ dataRoot: root, catalog: peopleCatalog, threads: 1 });
    try {
      const imports = await LocalImports.open(rt);
      expect(await imports.store.getJob(jobId)).toMatchObject({ status: 'interrupted' });
      // Every row, by hand: the table's own file, as before the job.
      const c = await pinnedCatalog(peopleCatalog, imports.store);
      const rows = await rt.engine.query(
        `SELECT id, email, age FROM ${rt.engine.dialect.catalogTable(c.table('people')!)} ORDER BY id`,
      );
      expect(rows.map((r) => ({ id: Number(r.id), email: r.email, age: Number(r.age) }))).toEqual(PEOPLE);
      // The unswapped version is removed.
      expect(existsSync(join(root, next))).toBe(false);
    } finally {
      await rt.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
