/**
 * The job commands in another process than the one running the job: the built CLI spawned against
 * a local server (in the test's process) with --endpoint. A job held in its load stage (its file a
 * named pipe) is paused by `orca job pause` from the other process, stops before its next stage,
 * is resumed and finishes. `orca job resume`, `orca jobs`, `orca job` and `orca rejects --csv`
 * read it over the API, and a refusal is the API's message with exit code 1 (those in-process: API
 * clients, nothing about a process of their own).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orca, orcaInProcess } from './helpers/cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('orca jobs, job, rejects against a server', () => {
  it('pauses and resumes a job running in the server, reads it, and reports a refusal', async () => {
    mkdirSync(join(t.db.dir, 'uploads'), { recursive: true });
    execFileSync('mkfifo', [join(t.db.dir, 'uploads', 'held.jsonl')]);
    const started = await t.call('POST', '/jobs', {
      name: 'cli_held',
      table: 'products',
      key: 'id',
      source: { file: 'uploads/held.jsonl', format: 'jsonl' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'price', column: 'price' },
      ],
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const e = ['--endpoint', t.server.url];

    const pause = await orca(['job', 'pause', id, ...e]);
    expect(pause.stderr).toBe('');
    expect(pause.stdout).toBe(`${id}: pausing\n`);
    // Line 3 has no integer id: one reject.
    await writeFile(join(t.db.dir, 'uploads', 'held.jsonl'), '{"id":10,"price":"1.5"}\n{"id":"x","price":"2"}\n');
    expect((await t.until(`/jobs/${id}`, (b) => b.status === 'paused')).stage).toBe('load');
    expect((await orcaInProcess(['job', 'resume', id, ...e])).stdout).toBe(`${id}: running\n`);
    const done = await t.until(`/jobs/${id}`, (b) => b.status === 'finished');
    expect(done.counts).toMatchObject({ read: 2, updated: 1, rejected: 1 });

    const list = await orcaInProcess(['jobs', '--status', 'finished', '--json', ...e]);
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((j) => j.id)).toEqual([id]);
    const shown = await orcaInProcess(['job', id, ...e]);
    expect(shown.stdout).toMatch(new RegExp(`^${id} cli_held: finished\\n`));
    expect(shown.stdout).toContain('paused by local');
    expect(shown.stdout).toContain('paused before type');
    const csv = await orcaInProcess(['rejects', id, '--csv', ...e]);
    expect(csv.stdout).toBe('line,column,value,reason\n2,id,x,not a valid integer\n');

    const refused = await orcaInProcess(['job', 'cancel', id, ...e]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`job ${id} is finished: it cannot be cancelled`);
  });
});
