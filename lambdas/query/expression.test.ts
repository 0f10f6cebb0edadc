import { describe, expect, it } from 'vitest';
import { ExpressionSyntaxError, parseExpression } from './expression.js';

describe('expression parser', () => {
  it('parses precedence, calls, paths, CASE, IN, BETWEEN, IS NULL', () => {
    expect(parseExpression("a + b * 2 = 7 AND NOT x.y IS NULL OR f(1, 'it''s') IN (1, 2)")).toMatchObject({
      kind: 'binary',
      op: 'or',
      left: {
        kind: 'binary',
        op: 'and',
        left: { kind: 'binary', op: '=', left: { kind: 'binary', op: '+', right: { kind: 'binary', op: '*' } } },
        right: { kind: 'unary', op: 'not', operand: { kind: 'isNull', operand: { kind: 'ref', path: ['x', 'y'] } } },
      },
      right: { kind: 'in', operand: { kind: 'call', name: 'f', args: [{ value: 1 }, { value: "it's" }] } },
    });
    expect(parseExpression("CASE WHEN a BETWEEN 1 AND 2 THEN 'x' ELSE NULL END")).toMatchObject({
      kind: 'case',
      whens: [{ when: { kind: 'between' } }],
      else: { kind: 'literal', type: 'null' },
    });
    expect(parseExpression("DATE '2026-01-01'")).toEqual({
      kind: 'literal',
      type: 'date',
      value: '2026-01-01',
      pos: 0,
    });
    expect(parseExpression('-3')).toMatchObject({ kind: 'literal', value: -3 });
    // date is a function too (README: the functions list it), and still the keyword of a date literal.
    expect(parseExpression('date(created_at)')).toEqual({
      kind: 'call',
      name: 'date',
      args: [{ kind: 'ref', path: ['created_at'], pos: 5 }],
      pos: 0,
    });
    expect(parseExpression("date('2026-01-01')")).toMatchObject({ kind: 'call', name: 'date' });
  });

  it.each([
    ["a = 'open", 'unterminated string (strings are written in single quotes; double a quote to include it)', 4],
    ['a = = 1', "expected a value, a name or a function call, found '='", 4],
    ['(a', "expected ')' to close the parenthesis, found the end of the expression", 2],
    ['a ; DROP', 'unexpected character ";"', 2],
    ['a b', "expected an operator or the end of the expression, found 'b'", 2],
    ['CASE a END', "expected WHEN after CASE, found 'a'", 5],
  ])('reports %j', (text, message, pos) => {
    try {
      parseExpression(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ExpressionSyntaxError);
      expect((e as ExpressionSyntaxError).message).toBe(message);
      expect((e as ExpressionSyntaxError).pos).toBe(pos);
    }
  });

  it('bounds nesting and length', () => {
    expect(() => parseExpression(`${'('.repeat(100)}a${')'.repeat(100)}`)).toThrow(/nested more than 64 levels/);
    expect(() => parseExpression('a'.repeat(30_000))).toThrow(/longer than 20000/);
  });
});
