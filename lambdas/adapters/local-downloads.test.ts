/** Download tickets of the local server: the file inside the data folder, a ticket's name and expiry, links not followed. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DOWNLOAD_PATH, LocalDownloads } from './local-downloads.js';

let root: string;
let outside: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'orca-downloads-'));
  outside = mkdtempSync(join(tmpdir(), 'orca-outside-'));
  mkdirSync(join(root, 'exports'));
  writeFileSync(join(root, 'exports/people.csv'), 'id\n1\n');
  writeFileSync(join(root, 'exports/people.parquet'), 'PAR1');
  writeFileSync(join(outside, 'secret.txt'), 'no');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'exports/link.csv'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const parts = (url: string) => LOCAL_DOWNLOAD_PATH.exec(url)!.slice(1) as [string, string];

describe('LocalDownloads', () => {
  it('a ticket names the server route; the file is sent with its type, length and name', async () => {
    const d = new LocalDownloads(root, () => Date.parse('2026-12-01T10:00:00Z'));
    const t = await d.prepare('exports/people.csv', 'people.csv');
    expect(t).toMatchObject({ file: 'exports/people.csv', method: 'GET', expiresAt: '2026-12-01T10:15:00.000Z' });
    const [id, name] = parts(t.url);
    expect(await d.open(id, name)).toEqual({
      path: expect.stringMatching(/exports\/people\.csv$/),
      size: 5,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': '5',
        'content-disposition': 'attachment; filename="people.csv"',
      },
    });
    const p = await d.prepare('exports/people.parquet', 'people.parquet');
    expect((await d.open(...parts(p.url)))?.headers['content-type']).toBe('application/vnd.apache.parquet');
  });

  it('refused: another name, an unknown id, an expired ticket, a file gone, a link out of the data folder', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const d = new LocalDownloads(root, () => now);
    const [id] = parts((await d.prepare('exports/people.csv', 'people.csv')).url);
    expect(await d.open(id, 'other.csv')).toBeUndefined();
    expect(await d.open('0'.repeat(32), 'people.csv')).toBeUndefined();
    const gone = parts((await d.prepare('exports/missing.csv', 'missing.csv')).url);
    expect(await d.open(...gone)).toBeUndefined();
    const link = parts((await d.prepare('exports/link.csv', 'link.csv')).url);
    expect(await d.open(...link)).toBeUndefined();
    now += 15 * 60 * 1000 + 1;
    expect(await d.open(id, 'people.csv')).toBeUndefined();
    await expect(d.prepare('../etc/passwd', 'passwd')).rejects.toThrow(/outside the data folder/);
  });
});
