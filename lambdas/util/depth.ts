/**
 * Limits on how deeply documents nest, checked before anything recursive reads them (a parser, a
 * schema, a walker): deep input is refused with a clear message instead of overflowing the stack.
 *
 * - `MAX_NESTING`: the most levels of objects and arrays a campaign document (a file or an API
 *   body) may have. A campaign uses about 10; condition groups add two levels each.
 * - YAML text is checked before parsing (the `yaml` parser recurses, and a long run of block
 *   indicators can exhaust its memory): flow brackets and indentation, a cheap upper bound.
 */
import { OrcaError } from './errors.js';

export const MAX_NESTING = 64;

/** Columns of indentation (and block indicators such as `- `) a YAML line may start with. */
export const MAX_YAML_INDENT = 256;

export class TooDeepError extends OrcaError {
  static override readonly errorName = 'TooDeepError';
}

/**
 * Whether a value nests objects and arrays more than `max` levels deep (`{}` is 1 level); walks
 * iteratively, so any depth is measured safely.
 */
export function nestingExceeds(value: unknown, max = MAX_NESTING): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function nestingMessage(max = MAX_NESTING): string {
  return `the document nests more than ${max} levels of objects and arrays; flatten it (condition groups, for one, rarely need more than a few levels)`;
}

/**
 * Refuses YAML (or JSON) text that nests too deeply for the parser, before it is parsed: a line
 * indented (or opened with `- `, `? `, `: ` indicators) more than MAX_YAML_INDENT columns, or flow
 * brackets `[` `{` nested more than MAX_NESTING deep (quoted strings aside). An upper bound: a
 * document it lets through may still be refused by `nestingExceeds` once parsed.
 */
export function checkYamlText(text: string): void {
  let flow = 0;
  let quote: string | undefined;
  let atLineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      atLineStart = true;
      column = 0;
      // A quoted scalar may span lines, but not a comment; keep quotes (an upper bound either way).
      continue;
    }
    if (atLineStart) {
      const indicator = (c === '-' || c === '?' || c === ':') && /[ \t\n]/.test(text[i + 1] ?? '\n');
      if (c === ' ' || c === '\t' || indicator) {
        if (++column > MAX_YAML_INDENT)
          throw new TooDeepError(
            `a line is indented or nested more than ${MAX_YAML_INDENT} columns deep (line ${lineOf(text, i)})`,
          );
        continue;
      }
      atLineStart = false;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '"' || (c === "'" && /[\s[{,:]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++flow > MAX_NESTING) throw new TooDeepError(nestingMessage());
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text[i] === '\n') line++;
  return line;
}

/** Keys that name an object's prototype rather than data: refused as field names. */
const PROTOTYPE_KEYS = new Set(['__proto__']);

/**
 * The path of the first own key `__proto__` in a value (JSON.parse and YAML make it an own key,
 * which spreads and merges would turn into a prototype), or undefined. Iterative.
 */
export function prototypeKeyPath(value: unknown): Array<string | number> | undefined {
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        stack.push([child, [...path, i]]);
      });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (PROTOTYPE_KEYS.has(key)) return [...path, key];
      stack.push([(v as Record<string, unknown>)[key], [...path, key]]);
    }
  }
  return undefined;
}

/** The largest magnitude a JSON number keeps exactly (2^53 - 1). */
export const MAX_EXACT_NUMBER = Number.MAX_SAFE_INTEGER;

/**
 * The path of the first number beyond ±(2^53 - 1) in a value, or undefined. Such a number has
 * already lost digits when the text was parsed, and the run store (DynamoDB) refuses it.
 */
export function unsafeNumberPath(value: unknown): Array<string | number> | undefined {
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'number') {
      if (Math.abs(v) > MAX_EXACT_NUMBER) return path;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], [...path, entries[i]![0]]]);
  }
  return undefined;
}

export function unsafeNumberMessage(value: unknown): string {
  const exact = typeof value === 'number' && Math.abs(value) < 1e21 ? `, e.g. "${BigInt(Math.trunc(value))}"` : '';
  return `${String(value)} is beyond ±${MAX_EXACT_NUMBER.toLocaleString('en-US')} (2^53 - 1), where numbers lose digits; write it as a string${exact}`;
}
