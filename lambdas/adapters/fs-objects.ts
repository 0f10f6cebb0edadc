/**
 * The ObjectStore of the embedded runtime: the data folder. Keys are checked as locations
 * (relative, no `.`/`..`, see layout.ts checkedLocation), and what they lead to, links followed,
 * must stay inside the data folder (as Load file's files do, sql/csv.ts fileInsideDataFolder).
 * A write goes to a temporary file renamed over the object: a reader sees the old or the new one whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { checkedLocation, UnsafeLocationError } from '../layout.js';
import type { ObjectInfo, ObjectStore, RangeReader } from '../ports/objects.js';

const isEnoent = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

export class FsObjectStore implements ObjectStore {
  private root?: string;

  constructor(private readonly dataRoot: string) {}

  private async realRoot(): Promise<string> {
    this.root ??= await realpath(this.dataRoot);
    return this.root;
  }

  /** The real path of `path` (links followed), refused when it is outside the data folder. */
  private async inside(path: string, key: string): Promise<string> {
    const root = await this.realRoot();
    const real = await realpath(path);
    const rel = relative(root, real);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new UnsafeLocationError(
        `the object '${key}' leads to ${real}, outside the data folder ${this.dataRoot}: orca refuses to use it`,
      );
    return real;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    if (prefix !== '') checkedLocation(prefix, 'an object prefix');
    const root = await this.realRoot();
    // The folder the prefix names or ends in ('work/a/' -> work/a, 'work/a/part-' -> work/a).
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const out: ObjectInfo[] = [];
    const walk = async (dirKey: string): Promise<void> => {
      let entries: string[];
      try {
        const real = await this.inside(join(root, dirKey), dirKey || '.');
        entries = await readdir(real);
      } catch (e) {
        if (isEnoent(e)) return;
        throw e;
      }
      for (const name of entries) {
        const key = dirKey ? `${dirKey}/${name}` : name;
        // Only what can match: the folders on the way to the prefix, and what is under it.
        if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue;
        const real = await this.inside(join(root, key), key);
        const s = await stat(real);
        if (s.isDirectory()) await walk(key);
        else if (s.isFile() && key.startsWith(prefix)) out.push({ key, size: s.size });
      }
    };
    await walk(folder);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async open(key: string): Promise<RangeReader> {
    checkedLocation(key, 'an object key');
    const path = await this.inside(join(await this.realRoot(), key), key);
    const byteLength = (await stat(path)).size;
    return {
      byteLength,
      async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
        const length = Math.max(0, Math.min(end, byteLength) - start);
        const buffer = new Uint8Array(length);
        const handle = await open(path, 'r');
        try {
          let read = 0;
          while (read < length) {
            const r = await handle.read(buffer, read, length - read, start + read);
            if (r.bytesRead === 0) break;
            read += r.bytesRead;
          }
        } finally {
          await handle.close();
        }
        return buffer.buffer;
      },
    };
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    checkedLocation(key, 'an object key');
    const root = await this.realRoot();
    const target = join(root, ...key.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const folder = await this.inside(dirname(target), key);
    const file = join(folder, target.slice(target.lastIndexOf(sep) + 1));
    // An existing object must be a file of the data folder too (not a link leading out of it).
    try {
      await this.inside(file, key);
    } catch (e) {
      if (!isEnoent(e)) throw e;
    }
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, body);
      await rename(temporary, file);
    } catch (e) {
      await rm(temporary, { force: true });
      throw e;
    }
  }
}
