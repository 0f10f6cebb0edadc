import { InvalidArgumentError } from 'commander';

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} takes a positive whole number, got '${value}'`);
    return n;
  };
}

import { CliError } from './output.js';

/** --var name=value pairs, typed by the campaign's variable declarations. */
export function parseVariables(pairs: string[], declared: Record<string, { type: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new CliError(`--var takes name=value, got '${pair}'`, 2);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const type = declared[name]?.type;
    if (!type) throw new CliError(`unknown variable '${name}'; the campaign declares: ${Object.keys(declared).join(', ') || 'none'}`, 2);
    if (type === 'integer' || type === 'decimal' || type === 'double') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new CliError(`variable '${name}' is a ${type}, got '${raw}'`, 2);
      out[name] = n;
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new CliError(`variable '${name}' is a boolean: true or false, got '${raw}'`, 2);
      out[name] = raw === 'true';
    } else out[name] = raw;
  }
  return out;
}
