/**
 * How the query modeler reports problems, in one way: whatever finds a problem throws a QueryError
 * saying where it is (the field's path, the position in an expression), and `reported` — the one
 * place that catches it — turns it into a finding through the Reporter and lets compilation carry
 * on with a stand-in, so that one pass over a campaign lists every problem.
 *
 * A thrower that does not know where it is called from (name resolution, a function's argument
 * check) throws without a location; its caller adds what it knows with `located`.
 */
import { OrcaError } from '../util/errors.js';
import type { PathPart, Reporter } from '../util/issues.js';

export interface QueryLocation {
  /** The field, as a path under the Reporter's prefix (e.g. `['query', 'and', 0, 'value']`). */
  path?: readonly PathPart[] | undefined;
  /** The character position in the expression text. */
  pos?: number | undefined;
  /** The expression text the position is in. */
  expression?: string | undefined;
}

/** A problem in a query, with where it is when that is known. */
export class QueryError extends OrcaError {
  static override readonly errorName: string = 'QueryError';
  path: readonly PathPart[] | undefined;
  pos: number | undefined;
  expression: string | undefined;

  constructor(message: string, at: QueryLocation = {}) {
    super(message);
    this.path = at.path;
    this.pos = at.pos;
    this.expression = at.expression;
  }

  /** Fills in what the thrower did not know; what it said stays. */
  locate(at: QueryLocation): this {
    this.path ??= at.path;
    this.pos ??= at.pos;
    this.expression ??= at.expression;
    return this;
  }

  /** What the problem is, before where it is in the expression. */
  protected get summary(): string {
    return this.message;
  }

  /** The message a user reads: the problem and, in an expression, the character it is at. */
  get issue(): string {
    const text = this.expression;
    const where =
      this.pos !== undefined && text
        ? ` (at character ${this.pos + 1} of '${text.length > 80 ? `${text.slice(0, 80)}…` : text}')`
        : '';
    return `${this.summary}${where}`;
  }
}

/** Runs `compile`; a QueryError it throws gets the location `at` where it has none, and goes on. */
export function located<T>(at: QueryLocation, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    if (err instanceof QueryError) err.locate(at);
    throw err;
  }
}

/**
 * Runs `compile`; a QueryError it throws is reported at its path (`path` when it has none) and
 * `fallback` returned instead. Other errors are bugs and go on.
 */
export function reported<T>(report: Reporter, path: readonly PathPart[], fallback: T, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    report.error(err.path ?? path, err.issue);
    return fallback;
  }
}
