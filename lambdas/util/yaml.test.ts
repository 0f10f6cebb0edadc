import { describe, expect, it } from 'vitest';
import { YAMLParseError } from 'yaml';
import { parseYamlText } from './yaml.js';

describe('parseYamlText', () => {
  it('reads a YAML document', () => {
    expect(parseYamlText('id: a\nlist: [1, two]\n')).toEqual({ id: 'a', list: [1, 'two'] });
  });

  it('an unknown tag is an error with its line, not a process warning', () => {
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      let error: unknown;
      try {
        parseYamlText('id: a\nlabel: !!js/function "() => 1"\n');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(YAMLParseError);
      expect((error as YAMLParseError).message).toMatch(/Unresolved tag/);
      expect((error as YAMLParseError).linePos?.[0]?.line).toBe(2);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('a syntax error is a YAMLParseError', () => {
    expect(() => parseYamlText('a: [1, 2\n')).toThrow(YAMLParseError);
  });

  it('aliases are bounded (a billion laughs is refused)', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    expect(() => parseYamlText(laughs.join('\n'))).toThrow(/alias/i);
  });
});
