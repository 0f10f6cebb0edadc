/** Locations read back from the run store stay under the data folder, or are refused. */
import { describe, expect, it } from 'vitest';
import { checkedLocation, UnsafeLocationError } from './layout.js';
import { DuckDbDialect } from './sql/dialect.js';

describe('checkedLocation', () => {
  it.each(['work/c/run-1/a', 'audiences/vip/run-1-save', 'incoming/leads.csv', 'state/c/a/r..1'])(
    'keeps %s',
    (location) => expect(checkedLocation(location)).toBe(location),
  );

  it.each([
    ['', 'is empty'],
    ['/etc', 'is absolute'],
    ['s3://other-bucket/x', 'is absolute'],
    ['C:/Windows', 'is absolute'],
    ['audiences/../../../etc', "'..' segment"],
    ['work/./x', "'.' or '..' segment"],
    ['..', "'..' segment"],
    ['work\\..\\..\\x', 'backslash'],
    ['work/x\u0000', 'control character'],
  ])('refuses %j (%s)', (location, problem) => {
    expect(() => checkedLocation(location)).toThrow(UnsafeLocationError);
    expect(() => checkedLocation(location)).toThrow(problem);
  });

  it('a population whose location (from the store) leaves the data folder is refused where it is read', () => {
    const dialect = new DuckDbDialect('/data');
    const ref = {
      dimension: 'recipients',
      columns: [{ name: 'id', type: 'integer' as const }],
      location: '../../home/user/.ssh',
      table: 't',
      output: 'main',
      rows: 3,
    };
    expect(() => dialect.workTable(ref)).toThrow(
      "the population location '../../home/user/.ssh' has a '.' or '..' segment: it would point outside the data folder",
    );
    expect(dialect.workTable({ ...ref, location: 'audiences/vip/r1-save' })).toContain(
      "'/data/audiences/vip/r1-save/orca_output=main/**/*.parquet'",
    );
  });
});
