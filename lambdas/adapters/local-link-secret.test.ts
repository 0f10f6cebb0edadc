import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localLinkSecret } from './local-link-secret.js';

const root = mkdtempSync(join(tmpdir(), 'orca-secret-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('localLinkSecret', () => {
  it('creates a random secret once, readable by its owner only, and gives the same one after', () => {
    const data = join(root, 'data');
    const a = localLinkSecret(data);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(data, 'link-secret')).mode & 0o777).toBe(0o600);
    expect(localLinkSecret(data)).toBe(a);
    expect(localLinkSecret(join(root, 'other'))).not.toBe(a);
  });

  it('refuses an empty or short secret file', () => {
    const data = join(root, 'short');
    localLinkSecret(data);
    writeFileSync(join(data, 'link-secret'), 'abc');
    expect(() => localLinkSecret(data)).toThrow(/holds no usable link secret/);
  });
});
