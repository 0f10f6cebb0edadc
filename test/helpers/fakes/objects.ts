/** A tiny ObjectStore over a temporary folder (keys relative to it), and what it holds. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { ObjectInfo, ObjectStore, RangeReader } from '../../../lambdas/ports/objects.js';

export class FolderObjects implements ObjectStore {
  readonly root = mkdtempSync(join(tmpdir(), 'orca-objects-'));

  private path(key: string): string {
    if (key.startsWith('/') || key.split('/').includes('..')) throw new Error(`bad key ${key}`);
    return join(this.root, key);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    mkdirSync(dirname(this.path(key)), { recursive: true });
    writeFileSync(this.path(key), body);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const walk = (dir: string): string[] => {
      try {
        return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        );
      } catch {
        return [];
      }
    };
    return walk(this.root)
      .map((p) => ({ key: relative(this.root, p), size: statSync(p).size }))
      .filter((o) => o.key.startsWith(prefix))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  async open(key: string): Promise<RangeReader> {
    const bytes = readFileSync(this.path(key));
    return {
      byteLength: bytes.length,
      slice: async (start, end) => new Uint8Array(bytes.subarray(start, end)).buffer,
    };
  }

  /** The JSON lines of every object under a prefix. */
  async lines(prefix: string): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for (const o of await this.list(prefix))
      for (const l of readFileSync(this.path(o.key), 'utf8').split('\n').filter(Boolean)) out.push(JSON.parse(l));
    return out;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
