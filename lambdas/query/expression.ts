/**
 * The expression language of orca (sort keys, deduplication by expression, computed columns,
 * boolean conditions): a small, SQL-like syntax that campaign authors write by hand, e.g.
 *
 *   month(birth_date) = month(today())
 *   coalesce(purchases_total, 0) * 1.2
 *   CASE WHEN country IN ('FR', 'BE') THEN 'fr' ELSE 'en' END
 *
 * This module only parses text into an AST; names are resolved and types checked by the compiler
 * against the catalog, and literals are rendered by the one escaping function. Nothing in the
 * text reaches SQL as text.
 */
import { QueryError } from './problems.js';

export type Expr =
  | {
      kind: 'literal';
      type: 'string' | 'number' | 'boolean' | 'null' | 'date' | 'timestamp';
      value: string | number | boolean | null;
      pos: number;
    }
  | { kind: 'ref'; path: string[]; pos: number }
  | { kind: 'call'; name: string; args: Expr[]; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: 'unary'; op: '-' | 'not'; operand: Expr; pos: number }
  | { kind: 'case'; whens: Array<{ when: Expr; then: Expr }>; else?: Expr; pos: number }
  | { kind: 'isNull'; operand: Expr; negated: boolean; pos: number }
  | { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean; pos: number }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean; pos: number };

export type BinaryOp =
  | 'or'
  | 'and'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | 'like'
  | 'not like';

/** A problem of a query like any other, found before the names and types are: its position is known. */
export class ExpressionSyntaxError extends QueryError {
  static override readonly errorName = 'ExpressionSyntaxError';
  declare pos: number;
  constructor(message: string, pos: number) {
    super(message, { pos });
  }

  protected override get summary(): string {
    return `syntax error: ${this.message}`;
  }
}

type Token =
  | { t: 'num'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'eof'; pos: number };

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'case',
  'when',
  'then',
  'else',
  'end',
  'true',
  'false',
  'null',
  'is',
  'in',
  'like',
  'between',
  'date',
  'timestamp',
]);
const MAX_LENGTH = 20_000;
const MAX_DEPTH = 64;
/** The deepest tree an expression may parse into (chains of operators, NOT, unary minus): what walks it recurses. */
const MAX_TREE_DEPTH = 256;

function tokenize(text: string): Token[] {
  if (text.length > MAX_LENGTH)
    throw new ExpressionSyntaxError(`expression is longer than ${MAX_LENGTH} characters`, 0);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|^[0-9]+\.?/.exec(text.slice(i))!;
      tokens.push({ t: 'num', v: m[0], pos: i });
      i += m[0].length;
    } else if (c === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= text.length)
          throw new ExpressionSyntaxError(
            'unterminated string (strings are written in single quotes; double a quote to include it)',
            i,
          );
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += text[j];
        j++;
      }
      tokens.push({ t: 'str', v, pos: i });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ t: 'id', v: m[0], pos: i });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['<=', '>=', '<>', '!=', '||'].includes(two)) {
        tokens.push({ t: 'op', v: two === '!=' ? '<>' : two, pos: i });
        i += 2;
      } else if ('=<>+-*/%(),.'.includes(c)) {
        tokens.push({ t: 'op', v: c, pos: i });
        i++;
      } else {
        throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(c)}`, i);
      }
    }
  }
  tokens.push({ t: 'eof', pos: text.length });
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;
  /** Depth of the tree being built (chains and unary operators included). */
  private tree = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isKeyword(k: string, offset = 0): boolean {
    const tok = this.tokens[this.i + offset];
    return tok?.t === 'id' && tok.v.toLowerCase() === k;
  }

  private isOp(o: string): boolean {
    const tok = this.peek();
    return tok.t === 'op' && tok.v === o;
  }

  private expectOp(o: string, what: string): void {
    if (!this.isOp(o)) throw this.error(`expected '${o}' ${what}`);
    this.i++;
  }

  private expectKeyword(k: string, what: string): void {
    if (!this.isKeyword(k)) throw this.error(`expected ${k.toUpperCase()} ${what}`);
    this.i++;
  }

  private error(message: string): ExpressionSyntaxError {
    const tok = this.peek();
    const found = tok.t === 'eof' ? 'the end of the expression' : tok.t === 'str' ? `'${tok.v}'` : `'${tok.v}'`;
    return new ExpressionSyntaxError(`${message}, found ${found}`, tok.pos);
  }

  parseAll(): Expr {
    const e = this.expr();
    if (this.peek().t !== 'eof') throw this.error('expected an operator or the end of the expression');
    return e;
  }

  /** One more level of tree; the caller restores `tree` when its subtree is done. */
  private deeper(): void {
    if (++this.tree > MAX_TREE_DEPTH)
      throw new ExpressionSyntaxError(
        `expression is more than ${MAX_TREE_DEPTH} operations deep; shorten the chain (IN (...) lists values)`,
        this.peek().pos,
      );
  }

  /** Runs a rule of the grammar, restoring the tree depth after it. */
  private level<T>(rule: () => T): T {
    const tree = this.tree;
    try {
      return rule();
    } finally {
      this.tree = tree;
    }
  }

  private expr(): Expr {
    if (++this.depth > MAX_DEPTH)
      throw new ExpressionSyntaxError(`expression is nested more than ${MAX_DEPTH} levels deep`, this.peek().pos);
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    return this.level(() => this.orChain());
  }

  private orChain(): Expr {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.deeper();
      const pos = this.next().pos;
      left = { kind: 'binary', op: 'or', left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expr {
    return this.level(() => this.andChain());
  }

  private andChain(): Expr {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.deeper();
      const pos = this.next().pos;
      left = { kind: 'binary', op: 'and', left, right: this.not(), pos };
    }
    return left;
  }

  private not(): Expr {
    if (this.isKeyword('not')) {
      const pos = this.next().pos;
      return this.level(() => {
        this.deeper();
        return { kind: 'unary', op: 'not', operand: this.not(), pos };
      });
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const tok = this.peek();
    if (tok.t === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(tok.v)) {
      this.i++;
      return { kind: 'binary', op: tok.v as BinaryOp, left, right: this.additive(), pos: tok.pos };
    }
    if (this.isKeyword('is')) {
      const pos = this.next().pos;
      const negated = this.isKeyword('not');
      if (negated) this.i++;
      this.expectKeyword('null', 'after IS');
      return { kind: 'isNull', operand: left, negated, pos };
    }
    const negated =
      this.isKeyword('not') && (this.isKeyword('in', 1) || this.isKeyword('like', 1) || this.isKeyword('between', 1));
    if (negated) this.i++;
    if (this.isKeyword('in')) {
      const pos = this.next().pos;
      this.expectOp('(', 'after IN');
      const list = [this.expr()];
      while (this.isOp(',')) {
        this.i++;
        list.push(this.expr());
      }
      this.expectOp(')', 'to close the IN list');
      return { kind: 'in', operand: left, list, negated, pos };
    }
    if (this.isKeyword('like')) {
      const pos = this.next().pos;
      return { kind: 'binary', op: negated ? 'not like' : 'like', left, right: this.additive(), pos };
    }
    if (this.isKeyword('between')) {
      const pos = this.next().pos;
      const low = this.additive();
      this.expectKeyword('and', 'in BETWEEN … AND …');
      return { kind: 'between', operand: left, low, high: this.additive(), negated, pos };
    }
    if (negated) throw this.error('expected IN, LIKE or BETWEEN after NOT');
    return left;
  }

  private additive(): Expr {
    return this.level(() => this.additiveChain());
  }

  private additiveChain(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'op' && ['+', '-', '||'].includes(tok.v)) {
        this.deeper();
        this.i++;
        left = { kind: 'binary', op: tok.v as BinaryOp, left, right: this.multiplicative(), pos: tok.pos };
      } else return left;
    }
  }

  private multiplicative(): Expr {
    return this.level(() => this.multiplicativeChain());
  }

  private multiplicativeChain(): Expr {
    let left = this.unary();
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'op' && ['*', '/', '%'].includes(tok.v)) {
        this.deeper();
        this.i++;
        left = { kind: 'binary', op: tok.v as BinaryOp, left, right: this.unary(), pos: tok.pos };
      } else return left;
    }
  }

  private unary(): Expr {
    return this.level(() => this.unaryOperand());
  }

  private unaryOperand(): Expr {
    if (this.isOp('-') || this.isOp('+')) this.deeper();
    if (this.isOp('-')) {
      const pos = this.next().pos;
      const operand = this.unaryOperand();
      if (operand.kind === 'literal' && operand.type === 'number')
        return { ...operand, value: -(operand.value as number), pos };
      return { kind: 'unary', op: '-', operand, pos };
    }
    if (this.isOp('+')) {
      this.i++;
      return this.unaryOperand();
    }
    return this.primary();
  }

  private primary(): Expr {
    const tok = this.peek();
    if (tok.t === 'num') {
      this.i++;
      const value = Number(tok.v);
      if (!Number.isFinite(value)) throw new ExpressionSyntaxError(`number out of range: ${tok.v}`, tok.pos);
      return { kind: 'literal', type: 'number', value, pos: tok.pos };
    }
    if (tok.t === 'str') {
      this.i++;
      return { kind: 'literal', type: 'string', value: tok.v, pos: tok.pos };
    }
    if (this.isOp('(')) {
      this.i++;
      const e = this.expr();
      this.expectOp(')', 'to close the parenthesis');
      return e;
    }
    if (tok.t === 'id') {
      const word = tok.v.toLowerCase();
      if (word === 'true' || word === 'false') {
        this.i++;
        return { kind: 'literal', type: 'boolean', value: word === 'true', pos: tok.pos };
      }
      if (word === 'null') {
        this.i++;
        return { kind: 'literal', type: 'null', value: null, pos: tok.pos };
      }
      if ((word === 'date' || word === 'timestamp') && this.tokens[this.i + 1]?.t === 'str') {
        this.i++;
        const s = this.next() as { v: string };
        return { kind: 'literal', type: word, value: s.v, pos: tok.pos };
      }
      if (word === 'case') return this.caseExpr();
      // `date` is also a function (date(created_at)): a keyword only when a string follows it.
      const call =
        word === 'date' && this.tokens[this.i + 1]?.t === 'op' && (this.tokens[this.i + 1] as { v: string }).v === '(';
      if (KEYWORDS.has(word) && !call) throw this.error('expected a value, a name or a function call');
      this.i++;
      if (this.isOp('(')) {
        this.i++;
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          args.push(this.expr());
          while (this.isOp(',')) {
            this.i++;
            args.push(this.expr());
          }
        }
        this.expectOp(')', `to close the arguments of ${tok.v}`);
        return { kind: 'call', name: tok.v, args, pos: tok.pos };
      }
      const path = [tok.v];
      while (this.isOp('.')) {
        this.i++;
        const part = this.next();
        if (part.t !== 'id') throw new ExpressionSyntaxError(`expected a name after '.'`, part.pos);
        path.push(part.v);
      }
      return { kind: 'ref', path, pos: tok.pos };
    }
    throw this.error('expected a value, a name or a function call');
  }

  private caseExpr(): Expr {
    const pos = this.next().pos;
    const whens: Array<{ when: Expr; then: Expr }> = [];
    while (this.isKeyword('when')) {
      this.i++;
      const when = this.expr();
      this.expectKeyword('then', 'after the WHEN condition');
      // biome-ignore lint/suspicious/noThenProperty: a CASE branch's THEN, in a plain AST node (never awaited)
      whens.push({ when, then: this.expr() });
    }
    if (whens.length === 0) throw this.error('expected WHEN after CASE');
    let otherwise: Expr | undefined;
    if (this.isKeyword('else')) {
      this.i++;
      otherwise = this.expr();
    }
    this.expectKeyword('end', 'to close CASE');
    return otherwise ? { kind: 'case', whens, else: otherwise, pos } : { kind: 'case', whens, pos };
  }
}

/** Parses an expression; throws ExpressionSyntaxError with the character position of the problem. */
export function parseExpression(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
}
