/**
 * Bad input and misuse give one clear line and exit 1 or 2 (never 70, never a stack trace), before
 * anything is opened: in-process, with what the command prints captured.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { capture } from '../test/helpers/capture.js';

const folder = () => mkdtempSync(join(tmpdir(), 'orca-cli-errors-'));

/** One line on stderr, no stack trace. */
function oneClearLine(err: string): string {
  const lines = err.trim().split('\n');
  expect(lines, err).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at |unexpected error|This is a bug/);
  return lines[0]!;
}

describe('the CLI under bad input', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  it('run --var unknown=1 says so before touching the data folder', async () => {
    const data = join(folder(), 'data');
    const r = await capture(['run', 'examples/winback.yaml', '--var', 'unknown=1', '--data', data]);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.err)).toMatch(/unknown variable 'unknown'/);
    expect(existsSync(data)).toBe(false);
  });

  it('run --var n=1.5 of an integer variable is refused before the run, like a default of 1.5', async () => {
    const dir = folder();
    const file = join(dir, 'int.yaml');
    const text = readFileSync('examples/winback.yaml', 'utf8');
    expect(text).toContain('vipMinSpend: { type: decimal, default: 300');
    writeFileSync(
      file,
      text.replace('vipMinSpend: { type: decimal, default: 300', 'vipMinSpend: { type: integer, default: 300'),
    );
    const data = join(dir, 'data');
    const r = await capture(['run', file, '--var', 'vipMinSpend=1.5', '--data', data]);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.err)).toMatch(/variable 'vipMinSpend' is an integer, got '1.5'/);
    expect(existsSync(data)).toBe(false);
  });

  it('a data folder held by a running `orca serve` names it and says to use --endpoint', async () => {
    const data = folder();
    // A live process other than this one: the test runner that started this worker.
    writeFileSync(
      join(data, 'orca.pid'),
      JSON.stringify({
        pid: process.ppid,
        command: 'orca serve',
        startedAt: '2026-11-22T10:00:00Z',
        url: 'http://127.0.0.1:7781',
      }),
    );
    for (const args of [
      ['status', '--data', data],
      ['logs', '20261122T100000000Z-abcdef', '--data', data],
      ['run', 'examples/winback.yaml', '--data', data],
    ]) {
      const r = await capture(args);
      expect(r.code, args[0]).toBe(2);
      const line = oneClearLine(r.err);
      expect(line).toContain(`in use by orca serve (pid ${process.ppid}`);
      expect(line).toContain('--endpoint http://127.0.0.1:7781');
    }
  });

  it('tmp/ or store/ being a file is named', async () => {
    for (const sub of ['tmp', 'store']) {
      const data = folder();
      writeFileSync(join(data, sub), 'not a folder');
      const r = await capture(['status', '--data', data]);
      expect(r.code, sub).toBe(2);
      expect(oneClearLine(r.err)).toContain(`${join(data, sub)} is a file`);
    }
  });

  it('serve on a port in use says so', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const data = folder();
    const r = await capture(['serve', '--port', String(port), '--data', data]);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.err)).toContain(`port ${port} on 127.0.0.1 is in use`);
    expect(existsSync(join(data, 'store'))).toBe(false);
  });

  it('--as-of takes a date that exists', async () => {
    const data = folder();
    const r = await capture(['generate', '--as-of', '2026-02-30', '--profiles', '10', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--as-of takes a date YYYY-MM-DD that exists, got '2026-02-30'");
    expect(existsSync(join(data, 'catalog'))).toBe(false);
  });

  it('compile --out into a missing folder', async () => {
    const out = join(folder(), 'missing', 'winback.json');
    const r = await capture(['compile', 'examples/winback.yaml', '--out', out]);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.err)).toContain(`the folder ${join(out, '..')} does not exist`);
  });

  it('a malformed --endpoint', async () => {
    for (const endpoint of ['not a url', 'ftp://example.com', 'http://', 'http://u:p@127.0.0.1:7777']) {
      const r = await capture(['campaigns', '--endpoint', endpoint]);
      expect(r.code, endpoint).toBe(2);
      expect(oneClearLine(r.err), endpoint).toMatch(/--endpoint takes/);
    }
  });

  it('a 100k-character run id is refused in one short line', async () => {
    const id = 'a'.repeat(100_000);
    for (const args of [
      ['status', id, '--data', folder()],
      ['logs', id, '--data', folder()],
      ['pause', id],
      ['preview', id, 'q-w'],
    ]) {
      const r = await capture(args);
      expect(r.code, args[0]).toBe(2);
      const line = oneClearLine(r.err);
      expect(line, args[0]).toContain('is not a run id');
      expect(line.length).toBeLessThan(200);
    }
  });

  it('a data folder left by a process that no longer exists is taken over', async () => {
    const { lockDataFolder, LOCK_FILE } = await import('./data-lock.js');
    const data = folder();
    mkdirSync(data, { recursive: true });
    // Pid 2^22 + 1 is above Linux's pid_max (2^22): no such process.
    writeFileSync(join(data, LOCK_FILE), JSON.stringify({ pid: 4_194_305, command: 'orca serve', startedAt: '' }));
    const lock = lockDataFolder(data, 'orca test');
    expect(existsSync(join(data, LOCK_FILE))).toBe(true);
    lock.release();
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  });
});
