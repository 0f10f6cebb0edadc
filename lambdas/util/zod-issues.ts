/**
 * Turns zod's issues into orca's findings, worded for people writing campaigns by hand. For a
 * union (rule shapes, value shapes...), the branch that matches the object's keys is reported
 * rather than "invalid input".
 */
import type { z } from 'zod';
import { didYouMean, type PathPart, type Reporter } from './issues.js';

type ZodIssue = z.core.$ZodIssue;

function shapeMismatches(issues: readonly ZodIssue[]): number {
  return issues.filter((i) => i.path.length === 0 || i.code === 'unrecognized_keys').length;
}

function flatten(issue: ZodIssue): ZodIssue[] {
  // A record key that fails its schema: report the key's own problem (e.g. its pattern).
  if (issue.code === 'invalid_key' && 'issues' in issue && issue.issues.length) {
    return (issue.issues as ZodIssue[]).map((i) => ({ ...i, path: issue.path }) as ZodIssue);
  }
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !issue.errors.length) return [issue];
  const branches = issue.errors as ZodIssue[][];
  const best = [...branches].sort((a, b) => shapeMismatches(a) - shapeMismatches(b) || a.length - b.length)[0]!;
  if (shapeMismatches(best) > 0) return [issue];
  return best.flatMap((i) => flatten({ ...i, path: [...issue.path, ...i.path] } as ZodIssue));
}

function word(issue: ZodIssue, known?: (path: readonly PathPart[]) => Iterable<string> | undefined): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const names = issue.keys.map((k) => `'${k}'`).join(', ');
      const hint =
        issue.keys.length === 1 && known ? didYouMean(issue.keys[0]!, known(issue.path as PathPart[]) ?? []) : '';
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}.${hint}`.replace(/\.$/, hint ? '' : '');
    }
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return `is required (${issue.expected})`;
      return issue.message.replace(/^Invalid input: /, '');
    case 'invalid_value':
      return issue.message.replace(/^Invalid option: /, '').replace(/^Invalid input: /, '');
    case 'invalid_union':
      return issue.message === 'Invalid input' ? 'does not match any of the accepted forms' : issue.message;
    default:
      return issue.message;
  }
}

/** Reports every issue of a failed parse under `report`, with field paths. */
export function reportZodIssues(
  error: z.ZodError,
  report: Reporter,
  known?: (path: readonly PathPart[]) => Iterable<string> | undefined,
): void {
  for (const issue of error.issues.flatMap(flatten)) {
    report.error(issue.path as PathPart[], word(issue, known));
  }
}
