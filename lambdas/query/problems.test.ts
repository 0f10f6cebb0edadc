import { describe, expect, it } from 'vitest';
import { Findings } from '../util/issues.js';
import { ExpressionSyntaxError } from './expression.js';
import { located, QueryError, reported } from './problems.js';

describe('query problems: thrown where found, reported in one place', () => {
  it('reported: a QueryError becomes a finding at its path, and the fallback stands in', () => {
    const findings = new Findings();
    const report = findings.at('a', ['query']);
    expect(reported(report, ['attribute'], 'FALSE', () => 'TRUE')).toBe('TRUE');
    expect(
      reported(report, ['attribute'], 'FALSE', () => {
        throw new QueryError('unknown attribute');
      }),
    ).toBe('FALSE');
    expect(
      reported(report, ['attribute'], 'FALSE', () => {
        throw new QueryError('needs a value', { path: ['value'] });
      }),
    ).toBe('FALSE');
    expect(findings.errors).toEqual([
      { activity: 'a', path: 'query.attribute', message: 'unknown attribute' },
      { activity: 'a', path: 'query.value', message: 'needs a value' },
    ]);
  });

  it('reported: other errors are bugs and go on', () => {
    const report = new Findings().at(null, []);
    expect(() =>
      reported(report, [], undefined, () => {
        throw new TypeError('x is undefined');
      }),
    ).toThrow(TypeError);
  });

  it('located: fills in what the thrower did not know, keeps what it said', () => {
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as QueryError;
      }
      throw new Error('nothing thrown');
    };
    const e = caught(() =>
      located({ path: ['outer'], expression: 'a = b' }, () =>
        located({ pos: 4 }, () => {
          throw new QueryError('unknown attribute', { path: ['inner'] });
        }),
      ),
    );
    expect([e.path, e.pos, e.expression]).toEqual([['inner'], 4, 'a = b']);
    expect(e.issue).toBe("unknown attribute (at character 5 of 'a = b')");
  });

  it('issue: the position only with the text, long texts shortened; a syntax error says so', () => {
    expect(new QueryError('m', { pos: 0 }).issue).toBe('m');
    expect(new QueryError('m', { pos: 0, expression: '' }).issue).toBe('m');
    expect(new QueryError('m', { pos: 2, expression: 'x'.repeat(81) }).issue).toBe(
      `m (at character 3 of '${'x'.repeat(80)}…')`,
    );
    const syntax = new ExpressionSyntaxError("expected ')'", 6).locate({ expression: 'f(a, b' });
    expect(syntax).toBeInstanceOf(QueryError);
    expect(syntax.message).toBe("expected ')'");
    expect(syntax.issue).toBe("syntax error: expected ')' (at character 7 of 'f(a, b')");
  });
});
