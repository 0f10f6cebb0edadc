import { CAMPAIGN_ID, CAMPAIGN_ID_MAX } from '../lambdas/util/names.js';
import { InvalidArgumentError } from 'commander';
import { CliError } from './output.js';
import { literalProblem } from '../lambdas/sql/literal.js';

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} takes a positive whole number, got '${value}'`);
    return n;
  };
}

/** A price in USD: a number at least 0 (0.00581). */
export function usd(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${name} takes a price in USD (for example 0.00581), got '${value}'`);
    return n;
  };
}

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
export function isoDate(name: string) {
  return (value: string): string => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (
      !m ||
      !d ||
      d.getUTCFullYear() !== Number(m[1]) ||
      d.getUTCMonth() + 1 !== Number(m[2]) ||
      d.getUTCDate() !== Number(m[3])
    )
      throw new InvalidArgumentError(`${name} takes a date YYYY-MM-DD that exists, got '${value}'`);
    return value;
  };
}

/** A campaign id as campaign files and the API take them. */
export function checkCampaignId(id: string): string {
  if (!CAMPAIGN_ID.test(id))
    throw new CliError(
      `'${id.length > 40 ? `${id.slice(0, 40)}…` : id}' is not a campaign id (a-z, 0-9 and -, at most ${CAMPAIGN_ID_MAX}); \`orca campaigns\` lists them`,
      2,
    );
  return id;
}

/** A run id as orca makes them (and as the API accepts them), checked before anything is asked. */
export function checkRunId(runId: string): string {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(runId))
    throw new CliError(
      `'${runId.length > 40 ? `${runId.slice(0, 40)}…` : runId}' is not a run id (letters, digits, - and _, at most 80); \`orca status\` lists the recent runs`,
      2,
    );
  return runId;
}

/** --endpoint of the commands that only talk to an orca API. */
export const ENDPOINT_OPTION = [
  '--endpoint <url>',
  'orca API (default: $ORCA_ENDPOINT or http://127.0.0.1:7777, the local `orca serve`; a deployed API is signed with SigV4)',
] as const;
/** --endpoint and --data of the commands that read runs from an API, or else from a data folder. */
export const API_OR_DATA_OPTIONS = [
  ['--endpoint <url>', 'orca API (default: the local `orca serve` if it runs, else the data folder)'],
  ['--data <dir>', 'read this data folder directly (default, when no server runs: $ORCA_DATA or ./.orca)'],
] as const;

/** --var name=value pairs, typed by the campaign's variable declarations. */
export function parseVariables(pairs: string[], declared: Record<string, { type: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new CliError(`--var takes name=value, got '${pair}'`, 2);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const type = declared[name]?.type;
    if (!type)
      throw new CliError(
        `unknown variable '${name}'; the campaign declares: ${Object.keys(declared).join(', ') || 'none'}`,
        2,
      );
    if (type === 'integer' || type === 'decimal' || type === 'double') {
      const n = Number(raw);
      // The rule of the defaults and of the API's start body: an integer variable takes only integers.
      if (raw.trim() === '' || !Number.isFinite(n) || literalProblem(n, type) !== undefined)
        throw new CliError(`variable '${name}' is a${type === 'integer' ? 'n' : ''} ${type}, got '${raw}'`, 2);
      out[name] = n;
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false')
        throw new CliError(`variable '${name}' is a boolean: true or false, got '${raw}'`, 2);
      out[name] = raw === 'true';
    } else out[name] = raw;
  }
  return out;
}
