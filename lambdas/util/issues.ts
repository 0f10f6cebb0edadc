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

/** Suggests the closest known name, for "did you mean" hints (typos, transpositions, prefixes). */
export function didYouMean(name: string, known: Iterable<string>): string {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const kl = k.toLowerCase();
    let prefix = 0;
    while (prefix < lower.length && lower[prefix] === kl[prefix]) prefix++;
    // A known name that starts like this one ('dedupe' -> 'deduplication') is a good guess too.
    const d =
      lower.length >= 3 && kl.startsWith(lower)
        ? 0.5
        : prefix >= Math.max(4, lower.length - 2)
          ? 0.75
          : distance(lower, kl);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  const threshold = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= threshold && bestDistance < name.length
    ? ` Did you mean '${best}'?`
    : '';
}

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
