/** Terminal output helpers: colours only on a terminal, findings, tables. */
import pc from 'picocolors';
import type { Issue } from '../lambdas/util/issues.js';

export const color = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);

/** An error the CLI reports in one line and exits with `code` (2: cannot read; 1: invalid / failed). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

export function formatIssue(kind: 'error' | 'warning', i: Issue): string {
  const tag = kind === 'error' ? color.red('error  ') : color.yellow('warning');
  const where = [i.activity ? `activity ${color.bold(i.activity)}` : 'campaign', i.path ? color.dim(i.path) : '']
    .filter(Boolean)
    .join(' ');
  return `  ${tag} ${where}: ${i.message}`;
}

export function printFindings(file: string, errors: Issue[], warnings: Issue[]): void {
  const status = errors.length ? color.red('✗') : color.green('✓');
  const counts = [
    `${errors.length} error${errors.length === 1 ? '' : 's'}`,
    `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
  ].join(', ');
  console.log(`${status} ${file}: ${errors.length ? 'invalid' : 'valid'} (${counts})`);
  for (const e of errors) console.log(formatIssue('error', e));
  for (const w of warnings) console.log(formatIssue('warning', w));
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => stripAnsi(r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) =>
        typeof rows[0]?.[i] === 'number' ? c.padStart(widths[i]!) : c + ' '.repeat(widths[i]! - stripAnsi(c).length),
      )
      .join('  ');
  return [color.bold(line(headers)), ...cells.slice(1).map(line)].join('\n');
}

export function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC (\u001b)
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
