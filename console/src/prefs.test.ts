import { describe, expect, it } from 'vitest';
import { type KeyValueStore, loadPrefs, moveColumn, savePrefs, toggleColumn, visibleColumns } from './prefs.js';

const memory = (): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};

describe('column preferences', () => {
  it('default: every column in the table order, the hidden-by-default ones hidden', () => {
    expect(loadPrefs(memory(), 'k', ['a', 'b', 'c'], ['c'])).toEqual({ order: ['a', 'b', 'c'], hidden: ['c'] });
  });

  it('moved and hidden columns are remembered; columns added since are appended, removed ones dropped', () => {
    const s = memory();
    let p = loadPrefs(s, 'k', ['a', 'b', 'c']);
    p = moveColumn(p, 'c', -2);
    p = toggleColumn(p, 'a');
    savePrefs(s, 'k', p);
    expect(visibleColumns(p)).toEqual(['c', 'b']);
    expect(loadPrefs(s, 'k', ['a', 'b', 'c'])).toEqual({ order: ['c', 'a', 'b'], hidden: ['a'] });
    // The table lost 'b' and gained 'd'.
    expect(loadPrefs(s, 'k', ['a', 'c', 'd'])).toEqual({ order: ['c', 'a', 'd'], hidden: ['a'] });
  });

  it('moves stay within the table; the last visible column cannot be hidden; bad storage gives the default', () => {
    const p = { order: ['a', 'b'], hidden: [] };
    expect(moveColumn(p, 'a', -1)).toEqual(p);
    expect(moveColumn(p, 'a', 5).order).toEqual(['b', 'a']);
    expect(moveColumn(p, 'zz', 1)).toBe(p);
    const one = toggleColumn(p, 'a');
    expect(toggleColumn(one, 'b')).toBe(one);
    const s = memory();
    s.data.set('k', '{not json');
    expect(loadPrefs(s, 'k', ['a'])).toEqual({ order: ['a'], hidden: [] });
    s.data.set('k', '{"order":"a","hidden":7}');
    expect(loadPrefs(s, 'k', ['a', 'b'], ['b'])).toEqual({ order: ['a', 'b'], hidden: ['b'] });
  });
});
