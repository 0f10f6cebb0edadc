import { describe, expect, it } from 'vitest';
import { safeUploadName, UPLOAD_NAME } from './upload-name.js';

describe('safeUploadName', () => {
  it('keeps a plain name', () => {
    expect(safeUploadName('people-2026_11.csv')).toBe('people-2026_11.csv');
  });
  it('keeps only the last part of a path, never a way out of the folder', () => {
    expect(safeUploadName('../../etc/passwd')).toBe('passwd');
    expect(safeUploadName('..\\..\\windows\\system32')).toBe('system32');
    expect(safeUploadName('/abs/path/f.csv')).toBe('f.csv');
  });
  it('replaces other characters, drops leading dots, refuses what is left empty', () => {
    expect(safeUploadName('my file (1).csv')).toBe('my_file_1_.csv');
    expect(safeUploadName('.hidden')).toBe('hidden');
    expect(safeUploadName('Café.csv')).toBe('Cafe_.csv');
    expect(safeUploadName('..')).toBeUndefined();
    expect(safeUploadName('')).toBeUndefined();
    expect(safeUploadName('dir/')).toBeUndefined();
    expect(safeUploadName('%2e%2e%2f')).toBe('2e_2e_2f');
  });
  it('at most 100 characters, and what it returns matches the pattern the routes check', () => {
    const n = safeUploadName(`${'a'.repeat(300)}.csv`)!;
    expect(n).toHaveLength(100);
    for (const g of ['x\u0000y', '\ud800', 'a\r\nb', "O'Neil.csv"]) {
      const s = safeUploadName(g);
      if (s !== undefined) expect(s).toMatch(UPLOAD_NAME);
    }
  });
});
