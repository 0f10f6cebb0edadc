import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog/catalog.js';
import { importJobJsonSchema, jobNameOf, parseImportJob, rejectLimitExceeded } from './job.js';

const catalog = buildCatalog({
  tables: { people: { primaryKey: 'id', location: 't', columns: { id: 'integer', age: 'integer' } } },
});

describe('import job definition', () => {
  it('schemas/import-job.schema.json is the schema of the job files (regenerate it when the schema changes)', () => {
    const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/import-job.schema.json'), 'utf8'));
    expect(file).toEqual(importJobJsonSchema());
    expect(file.properties.operation.enum).toEqual(['insert', 'update', 'insertOrUpdate', 'delete', 'reconcile']);
  });

  it('defaults: insertOrUpdate, last wins, UTF-8 CSV with a header, 5 versions kept', () => {
    const job = parseImportJob(
      { table: 'people', key: 'id', source: { file: 'f.csv' }, columns: [{ field: 'id', column: 'id' }] },
      'j',
      catalog,
    );
    expect(job).toMatchObject({
      name: 'j',
      operation: 'insertOrUpdate',
      doubles: 'lastWins',
      keepVersions: 5,
      source: { format: 'csv', delimiter: ',', quote: '"', header: true, encoding: 'utf-8' },
    });
  });

  it('errors name the job and every field', () => {
    expect(() =>
      parseImportJob(
        {
          name: 'load_people',
          table: 'people',
          key: 'id',
          source: { file: 'f', encoding: 'utf-16' },
          columns: [{ field: 'a', column: 'id', onError: 'default' }],
          extra: 1,
        },
        'x',
        catalog,
      ),
    ).toThrow(/^import job load_people is not valid:\n.*source\.encoding.*\n?/s);
    expect(() =>
      parseImportJob(
        {
          table: 'people',
          key: 'id',
          source: { file: 'f' },
          columns: [{ field: 'a', column: 'age', onError: 'default', default: 'old' }],
        },
        'x',
        catalog,
      ),
    ).toThrow(/columns\[0\]\.default: not a integer.*\n.*key: the key column 'id' is not filled/s);
  });

  it('reject limits: a count, a percentage, and by default the first 100 lines all rejected', () => {
    expect(
      rejectLimitExceeded({ rejectLimit: 2 }, { rejected: 3, lines: 10, firstRejected: 3, firstLines: 10 }),
    ).toMatch(/more than the limit of 2/);
    expect(
      rejectLimitExceeded({ rejectLimit: 2 }, { rejected: 2, lines: 10, firstRejected: 2, firstLines: 10 }),
    ).toBeUndefined();
    expect(
      rejectLimitExceeded({ rejectLimit: '10%' }, { rejected: 2, lines: 10, firstRejected: 2, firstLines: 10 }),
    ).toMatch(/20\.0%/);
    expect(rejectLimitExceeded({}, { rejected: 100, lines: 500, firstRejected: 100, firstLines: 100 })).toMatch(
      /first 100/,
    );
    expect(rejectLimitExceeded({}, { rejected: 400, lines: 500, firstRejected: 99, firstLines: 100 })).toBeUndefined();
    expect(jobNameOf('jobs/Load-People.yaml')).toBe('load_people');
  });
});
