/**
 * The CLI over the HTTP API: `orca serve` in its own process, the other commands talking to it
 * (in-process: main() with its output and exit code; a spawned client for the unreachable endpoint).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orca, orcaInProcess, ROOT } from './helpers/cli.js';
import { sampleDataFolder } from './helpers/sample-data.js';

/** The shared sample data; what the server stores is this file's own. */
const data = sampleDataFolder('orca-serve-');
let server: ChildProcess;
let endpoint: string;

beforeAll(async () => {
  server = spawn(process.execPath, [join(ROOT, 'bin/orca.js'), 'serve', '--port', '0', '--data', data, '--quiet'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  endpoint = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`orca serve exited (${code})`)));
    server.stdout!.on('data', (d: Buffer) => {
      const m = /orca API on (http:\/\/[^ ]+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
  });
});
afterAll(async () => {
  server.removeAllListeners('exit');
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
});

const cli = (...args: string[]) => orcaInProcess([...args, '--endpoint', endpoint]);

describe('CLI over the API', () => {
  let runId: string;

  it('publish sends a campaign file and publishes it; refusals show the validation errors', async () => {
    const r = await cli('publish', 'examples/crosssell.yaml');
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('✓ crosssell published: version 1, scheduled'),
    });
    const again = await cli('publish', 'examples/crosssell.yaml');
    expect(again.stdout).toContain('version 2');
    const broken = join(data, 'broken.yaml');
    writeFileSync(broken, 'id: broken\nlabel: Broken\ndimension: recipients\nactivities:\n  - { id: a, type: nope }\n');
    const refused = await cli('publish', broken);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/broken\.yaml: invalid \(1 error/);
    expect(refused.stdout).toMatch(/error\s+activity a .*activities\[0\]\.type/);
  });

  it("start --var types values by the campaign's declarations: a string variable stays a string", async () => {
    expect((await cli('publish', 'examples/newsletter.yaml')).code).toBe(0);
    const r = await cli('start', 'newsletter', '--var', 'edition=2026', '--test', '--wait', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({
      campaignId: 'newsletter',
      testMode: true,
      variables: { edition: '2026' },
    });
    expect(await cli('start', 'newsletter', '--var', 'nope=1')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown variable 'nope'"),
    });
  });

  it('campaigns lists them', async () => {
    const r = await cli('campaigns');
    expect(r.stdout).toMatch(/crosssell\s+scheduled\s+2\s+weekly/);
    const json = JSON.parse((await cli('campaigns', '--json')).stdout);
    expect(json.find((c: { id: string }) => c.id === 'crosssell')).toMatchObject({
      id: 'crosssell',
      nextRun: expect.any(String),
    });
  });

  it('start --wait runs it; status and logs --follow read the run through the API', async () => {
    const r = await cli('start', 'crosssell', '--wait', '--json');
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.status).toBe('completed');
    runId = run.runId;
    const status = await cli('status', runId);
    expect(status.stdout).toMatch(/✓ crosssell: completed in [\d.]+ s/);
    const recent = JSON.parse((await cli('status', '--limit', '1', '--json')).stdout);
    expect(recent).toEqual([expect.objectContaining({ runId, campaign: 'crosssell', status: 'completed' })]);
    const logs = await cli('logs', runId, '--follow', '--activity', 'segments');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/segments: done: main [\d,]+/);
  });

  it("preview shows a transition's rows", async () => {
    const r = await cli('preview', runId, 'segments-save', '--limit', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/id\s+email\s+first_name\s+loyalty_tier\s+running_spend\s+segment/);
    expect(r.stdout).toMatch(/rows 1-3 of [\d,]+/);
  });

  it('pause, resume and stop are refused on a finished run, with the reason (exit 1)', async () => {
    const r = await cli('pause', runId);
    expect(r).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the run is completed; only a running run can be paused'),
    });
    expect(await cli('resume', runId)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the run is completed; only a paused run can be resumed'),
    });
    expect(await cli('stop', runId)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the run is completed; it is not in progress'),
    });
  });

  it('an unreachable endpoint is a clear error', async () => {
    const r = await orca(['campaigns', '--endpoint', 'http://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no orca server answers at http://127.0.0.1:1');
  });
});
