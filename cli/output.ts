/** Terminal output helpers: colours only on a terminal, findings, tables. */
import pc from 'picocolors';
import type { Issue } from '../lambdas/util/issues.js';
import { OrcaError } from '../lambdas/util/errors.js';

export const color = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);

/** An error the CLI reports in one line and exits with `code` (2: cannot read; 1: invalid / failed). */
export class CliError extends OrcaError {
  static override readonly errorName = 'CliError';
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

/**
 * Control characters in user data (labels, alert texts, log messages, errors...) would reach the
 * terminal as commands: ESC starts escape sequences (colours, cursor moves, window titles), CR
 * rewrites a line, bidi overrides reorder what is shown. This is the one function that makes text
 * safe to print: each such character becomes a visible escape (`\x1b`, `\u202e`). Newlines and tabs
 * are kept unless `oneLine`.
 */
export function terminalText(s: string, oneLine = false): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (!oneLine && (c === '\n' || c === '\t')) return c;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** JSON for the terminal: the same value, with the characters JSON.stringify leaves raw (C1, bidi) as \u escapes. */
export function jsonText(value: unknown, indent: number | undefined = 2): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Set when the user pressed Ctrl-C: what fails while the command stops is not reported. */
export const interrupted = { value: false };

/**
 * A time for people: in the campaign's time zone when known, else the local one, always with the
 * zone's name (`2026-11-23 09:00 Europe/Paris`).
 */
/** The local time zone's name (TZ, or the system's). */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function formatTime(iso: string, timeZone?: string, seconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return terminalText(iso, true);
  let zone = timeZone || localZone();
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
    }).formatToParts(d);
  } catch {
    zone = 'UTC';
    return formatTime(iso, zone, seconds);
  }
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}${seconds ? `:${p('second')}` : ''} ${zone}`;
}

export function formatIssue(kind: 'error' | 'warning', i: Issue): string {
  const tag = kind === 'error' ? color.red('error  ') : color.yellow('warning');
  const where = [
    i.activity ? `activity ${color.bold(terminalText(i.activity, true))}` : 'campaign',
    i.path ? color.dim(terminalText(i.path, true)) : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `  ${tag} ${where}: ${terminalText(i.message)}`;
}

export function printFindings(file: string, errors: Issue[], warnings: Issue[]): void {
  const status = errors.length ? color.red('✗') : color.green('✓');
  const counts = [
    `${errors.length} error${errors.length === 1 ? '' : 's'}`,
    `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
  ].join(', ');
  console.log(`${status} ${terminalText(file, true)}: ${errors.length ? 'invalid' : 'valid'} (${counts})`);
  for (const e of errors) console.log(formatIssue('error', e));
  for (const w of warnings) console.log(formatIssue('warning', w));
}

/**
 * A table of data: every cell is escaped (`terminalText`, on one line); a cell that is colour already
 * (`color.*` of orca's own text, `styled`) is kept as it is.
 */
export function table(headers: string[], rows: Array<Array<string | number | Styled>>): string {
  const cell = (c: string | number | Styled) => (c instanceof Styled ? c.text : terminalText(String(c), true));
  const cells = [headers.map((h) => terminalText(h, true)), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => stripAnsi(r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) =>
        typeof rows[0]?.[i] === 'number' ? c.padStart(widths[i]!) : c + ' '.repeat(widths[i]! - stripAnsi(c).length),
      )
      .join('  ');
  return [color.bold(line(headers)), ...cells.slice(1).map(line)].join('\n');
}

/** A table cell made by orca (colours, icons), with any user data in it escaped by its maker. */
export class Styled {
  constructor(readonly text: string) {}
}
export const styled = (text: string): Styled => new Styled(text);

export function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes it removes
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
