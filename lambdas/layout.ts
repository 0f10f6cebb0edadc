/**
 * Where things live under the data root (a local folder, or the data bucket in the cloud), and
 * the names of their Glue tables. One place, used by the planner, the runtime and the purge.
 */
import { createHash } from 'node:crypto';
import { ActivityError } from './util/errors.js';

/**
 * A location that is not a plain relative path under the data root (read back from the status
 * store, which could have been changed by someone else): refused before anything reads or writes it.
 */
export class UnsafeLocationError extends ActivityError {}

const isControl = (c: string): boolean => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;

/**
 * Returns a location (relative to the data root or bucket) when it stays under it: relative, no
 * `.` or `..` segment, no backslash, scheme or control character; throws UnsafeLocationError otherwise.
 */
export function checkedLocation(location: string, what = 'a location'): string {
  const problem =
    location === ''
      ? 'is empty'
      : /^[/\\]|^[A-Za-z]:|:\/\//.test(location)
        ? 'is absolute'
        : location.includes('\\') || [...location].some(isControl)
          ? 'has a backslash or a control character'
          : location.split('/').some((part) => part === '..' || part === '.')
            ? "has a '.' or '..' segment"
            : undefined;
  if (problem)
    throw new UnsafeLocationError(
      `${what} '${[...location.slice(0, 200)].map((c) => (isControl(c) ? '?' : c)).join('')}' ${problem}: it would point outside the data folder, so orca refuses to use it (was the run store changed by something other than orca?)`,
    );
  return location;
}

/** All work tables of one run. */
export const runPrefixOf = (campaign: string, run: string): string => `work/${campaign}/${run}`;

export const workLocation = (campaign: string, run: string, activity: string): string =>
  `${runPrefixOf(campaign, run)}/${activity}`;

/** A Glue-safe table name (lower case, [a-z0-9_]); a short hash keeps distinct inputs distinct. */
export function glueTableName(prefix: string, ...parts: string[]): string {
  const raw = parts.join('/');
  const clean = parts.map((p) => p.toLowerCase().replace(/[^a-z0-9]+/g, '_')).join('_');
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  const head = `${prefix}_${clean}`.slice(0, 200).replace(/_+$/, '');
  return `${head}_${hash}`;
}

/** Glue table of the outputs of one activity in one run. */
export const workTableName = (campaign: string, run: string, activity: string): string =>
  glueTableName('w', campaign, run, activity);

/** Where Athena writes query results (the workgroup's location, sent with every query start). */
/** The prefix of the data bucket where Athena writes query results. */
export const ATHENA_RESULTS = 'athena-results/';
export const athenaResultsLocation = (bucket: string): string => `s3://${bucket}/${ATHENA_RESULTS}`;
