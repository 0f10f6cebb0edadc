/**
 * The local upload receiver on a real folder: the body is written as it arrives (a part of it is on
 * disk before the rest is sent), a body longer than the limit is refused (413) without a declared
 * length and leaves nothing behind, and a ticket is good once, for its name and until it expires.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/helpers/wait.js';
import { LocalUploads, UploadRefused } from './local-uploads.js';

const root = mkdtempSync(join(tmpdir(), 'orca-uploads-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const idOf = (file: string) => file.split('/')[1]!;

describe('LocalUploads', () => {
  it('streams: the first chunk is on disk before the body ends, the file appears complete', async () => {
    const uploads = new LocalUploads(root, 1 << 20);
    const size = 128 * 1024;
    const t = await uploads.prepare({ name: 'big.csv', size, contentType: 'text/csv' });
    const body = new PassThrough();
    const done = uploads.receive(idOf(t.file), 'big.csv', body, size);
    body.write(Buffer.alloc(64 * 1024, 'a'));
    const part = join(root, 'uploads', idOf(t.file), '.big.csv.part');
    await waitFor(() => existsSync(part) && statSync(part).size === 64 * 1024, { what: 'the first chunk on disk' });
    expect(existsSync(join(root, t.file))).toBe(false);
    body.end(Buffer.alloc(64 * 1024, 'b'));
    expect(await done).toEqual({ file: t.file, size });
    const bytes = readFileSync(join(root, t.file));
    expect(bytes.length).toBe(size);
    expect([bytes[0], bytes[size - 1]]).toEqual(['a'.charCodeAt(0), 'b'.charCodeAt(0)]);
    expect(readdirSync(join(root, 'uploads', idOf(t.file)))).toEqual(['big.csv']);
  });

  it('a body beyond the limit with no declared length: 413, and the folder is removed', async () => {
    const uploads = new LocalUploads(root, 1000);
    const t = await uploads.prepare({ name: 'x.csv', size: 1000, contentType: 'text/csv' });
    const body = new PassThrough();
    const done = uploads.receive(idOf(t.file), 'x.csv', body, undefined);
    body.write(Buffer.alloc(600));
    body.write(Buffer.alloc(600));
    const e = await done.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UploadRefused);
    expect((e as UploadRefused).status).toBe(413);
    expect((e as Error).message).toBe('the file is larger than the upload limit of 1000 bytes (1200 sent)');
    expect(existsSync(join(root, 'uploads', idOf(t.file)))).toBe(false);
  });

  it('a declared length over the limit is 413 before anything is read', async () => {
    const uploads = new LocalUploads(root, 1000);
    // A ticket made when the limit was higher: the receiver still holds its own limit.
    const t = await uploads.prepare({ name: 'y.csv', size: 2000, contentType: 'text/csv' });
    const e = await uploads.receive(idOf(t.file), 'y.csv', new PassThrough(), 2000).catch((x: unknown) => x);
    expect((e as UploadRefused).status).toBe(413);
    expect((e as Error).message).toBe('the file is larger than the upload limit of 1000 bytes (2000 sent)');
  });

  it('a ticket is for its name, once, until it expires', async () => {
    let now = 0;
    const uploads = new LocalUploads(root, 1000, () => now);
    const t = await uploads.prepare({ name: 'z.csv', size: 1, contentType: 'text/csv' });
    expect(t.expiresAt).toBe(new Date(15 * 60_000).toISOString());
    const one = () => {
      const b = new PassThrough();
      b.end('1');
      return b;
    };
    expect(
      ((await uploads.receive(idOf(t.file), '../z.csv', one(), 1).catch((x: unknown) => x)) as UploadRefused).status,
    ).toBe(404);
    now = 15 * 60_000 + 1;
    expect(
      ((await uploads.receive(idOf(t.file), 'z.csv', one(), 1).catch((x: unknown) => x)) as UploadRefused).status,
    ).toBe(404);
    now = 0;
    expect((await uploads.receive(idOf(t.file), 'z.csv', one(), 1)).size).toBe(1);
    expect(
      ((await uploads.receive(idOf(t.file), 'z.csv', one(), 1).catch((x: unknown) => x)) as UploadRefused).status,
    ).toBe(404);
  });
});
