import { InvalidArgumentError } from 'commander';

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} takes a positive whole number, got '${value}'`);
    return n;
  };
}
