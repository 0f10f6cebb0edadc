/** Depth limits: measured without recursion, and checked on YAML text before the parser sees it. */
import { describe, expect, it } from 'vitest';
import { checkYamlText, MAX_NESTING, nestingExceeds, TooDeepError } from './depth.js';
import { parseDocument, UnreadableFileError } from './files.js';

/** An array nested `levels` deep: [[[...]]] (one level is one array). */
function nested(levels: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

describe('nestingExceeds', () => {
  it('counts levels of objects and arrays: {} is 1, scalars none', () => {
    expect(nestingExceeds('text', 0)).toBe(false);
    expect(nestingExceeds({}, 1)).toBe(false);
    expect(nestingExceeds({}, 0)).toBe(true);
    expect(nestingExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestingExceeds({ a: [{ b: 1 }] }, 2)).toBe(true);
    expect(nestingExceeds(nested(MAX_NESTING))).toBe(false);
    expect(nestingExceeds(nested(MAX_NESTING + 1))).toBe(true);
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    expect(nestingExceeds(nested(100_000))).toBe(true);
  });
});

describe('checkYamlText', () => {
  it('lets an ordinary campaign through, brackets in quoted strings included', () => {
    const yaml =
      'id: c\nlabel: "[[[[ not flow ]"\nactivities:\n  - id: a\n    type: buildAudience\n    query: { and: [{ attribute: country, operator: in, value: [FR, GB] }] }\n  - { id: e, type: end }\n';
    expect(() => checkYamlText(yaml)).not.toThrow();
  });

  it('refuses deep flow collections and long runs of block indicators before parsing', () => {
    expect(() => checkYamlText(`${'['.repeat(1000)}${']'.repeat(1000)}`)).toThrow(TooDeepError);
    expect(() => checkYamlText(`${'- '.repeat(1000)}1`)).toThrow(/more than 256 columns deep \(line 1\)/);
    const indented = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(() => checkYamlText(indented)).toThrow(/line 258/);
  });

  it('parseDocument refuses such a file as unreadable, with its name and the reason', () => {
    expect(() => parseDocument(`${'- '.repeat(1000)}1`, 'deep.yaml')).toThrow(UnreadableFileError);
    expect(() => parseDocument(`${'- '.repeat(1000)}1`, 'deep.yaml')).toThrow(
      /^deep\.yaml: cannot be read safely: a line is indented or nested more than 256 columns deep/,
    );
  });
});
