/** Validation findings, shared by the catalog, the campaign validation and the query modeler. */
export interface Issue {
  /** The activity the finding is about, or null for the campaign (or catalog) as a whole. */
  activity: string | null;
  /** Where in the file, e.g. `activities[2].query.and[0].value`. */
  path: string;
  message: string;
}

export type PathPart = string | number;

export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

/** Collects errors and warnings for one subject, with a path prefix. */
export class Findings {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];

  error(activity: string | null, path: readonly PathPart[], message: string): void {
    this.errors.push({ activity, path: formatPath(path), message });
  }

  warn(activity: string | null, path: readonly PathPart[], message: string): void {
    this.warnings.push({ activity, path: formatPath(path), message });
  }

  /** A view that prefixes paths and fixes the activity, for code that checks one part of the file. */
  at(activity: string | null, prefix: readonly PathPart[]): Reporter {
    return new Reporter(this, activity, prefix);
  }
}

export class Reporter {
  constructor(
    private readonly findings: Findings,
    readonly activity: string | null,
    readonly prefix: readonly PathPart[],
  ) {}

  error(path: readonly PathPart[], message: string): void {
    this.findings.error(this.activity, [...this.prefix, ...path], message);
  }

  warn(path: readonly PathPart[], message: string): void {
    this.findings.warn(this.activity, [...this.prefix, ...path], message);
  }

  at(path: readonly PathPart[]): Reporter {
    return new Reporter(this.findings, this.activity, [...this.prefix, ...path]);
  }

  get errorCount(): number {
    return this.findings.errors.length;
  }
}

/** Suggests the closest known name, for "did you mean" hints. */
export function didYouMean(name: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean '${best}'?` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
