/** The data folder as an ObjectStore: real files, links that lead out refused. */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from './fs-objects.js';

const base = mkdtempSync(join(tmpdir(), 'fs-objects-'));
const root = join(base, 'data');
const outside = join(base, 'outside');
mkdirSync(root);
mkdirSync(outside);
writeFileSync(join(outside, 'secret.txt'), 'secret');
afterAll(() => rmSync(base, { recursive: true, force: true }));
const store = new FsObjectStore(root);

describe('FsObjectStore', () => {
  it('writes whole objects (creating folders, replacing them) and lists a prefix sorted by key', async () => {
    await store.put('work/c/r/a/orca_chunk=1/part-0.parquet', 'one');
    await store.put('work/c/r/a/orca_chunk=0/part-1.parquet', 'two!');
    await store.put('work/c/r/a/orca_chunk=0/part-0.parquet', 'old');
    await store.put('work/c/r/a/orca_chunk=0/part-0.parquet', new TextEncoder().encode('zero'));
    await store.put('work/c/r/ab/other.parquet', 'x');
    expect(await store.list('work/c/r/a/')).toEqual([
      { key: 'work/c/r/a/orca_chunk=0/part-0.parquet', size: 4 },
      { key: 'work/c/r/a/orca_chunk=0/part-1.parquet', size: 4 },
      { key: 'work/c/r/a/orca_chunk=1/part-0.parquet', size: 3 },
    ]);
    // A prefix is a string prefix, as in S3: 'work/c/r/a' matches the folder 'ab' too.
    expect((await store.list('work/c/r/a')).map((o) => o.key)).toContain('work/c/r/ab/other.parquet');
    expect((await store.list('work/c/r/a/orca_chunk=0/part-1')).map((o) => o.key)).toEqual([
      'work/c/r/a/orca_chunk=0/part-1.parquet',
    ]);
    expect(await store.list('nothing/here/')).toEqual([]);
    expect(readFileSync(join(root, 'work/c/r/a/orca_chunk=0/part-0.parquet'), 'utf8')).toBe('zero');
    // No temporary file left behind.
    expect(readdirSync(join(root, 'work/c/r/a/orca_chunk=0')).sort()).toEqual(['part-0.parquet', 'part-1.parquet']);
  });

  it('reads byte ranges (end exclusive, clamped to the object)', async () => {
    await store.put('channels/x.bin', '0123456789');
    const r = await store.open('channels/x.bin');
    expect(r.byteLength).toBe(10);
    const text = async (p: Promise<ArrayBuffer>) => new TextDecoder().decode(await p);
    expect(await text(r.slice(2, 5))).toBe('234');
    expect(await text(r.slice(7))).toBe('789');
    expect(await text(r.slice(8, 50))).toBe('89');
    expect((await r.slice(10)).byteLength).toBe(0);
  });

  it('refuses keys outside the data folder, by their form or by a link', async () => {
    await expect(store.put('../outside/x', 'x')).rejects.toThrow(/'\.\.' segment/);
    await expect(store.open('/etc/passwd')).rejects.toThrow(/is absolute/);
    await expect(store.list('work/../../')).rejects.toThrow(/'\.\.' segment/);
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'linked'));
    await expect(store.open('link.txt')).rejects.toThrow(/outside the data folder/);
    await expect(store.put('link.txt', 'overwrite')).rejects.toThrow(/outside the data folder/);
    await expect(store.put('linked/new.txt', 'x')).rejects.toThrow(/outside the data folder/);
    await expect(store.list('linked/')).rejects.toThrow(/outside the data folder/);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });
});
