import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog/catalog.js';
import { ExportJobError, exportFile, exportJobJsonSchema, parseExportJob } from './export.js';

const catalog = buildCatalog({
  tables: { people: { primaryKey: 'id', location: 't', columns: { id: 'integer', email: 'string' } } },
});

describe('export job definition', () => {
  it('schemas/export-job.schema.json is the schema of the export files (regenerate it when the schema changes)', () => {
    const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/export-job.schema.json'), 'utf8'));
    expect(file).toEqual(exportJobJsonSchema());
    expect(file.properties.format.enum).toEqual(['csv', 'parquet']);
    expect(file.additionalProperties).toBe(false);
  });

  it('defaults: CSV with a comma and a header, every column, under exports/', () => {
    const job = parseExportJob({ table: 'people' }, catalog);
    expect(job).toMatchObject({ name: 'people', format: 'csv', delimiter: ',', header: true });
    expect(exportFile(job, 'exp-1')).toBe('exports/people-exp-1.csv');
  });

  it('refusals name each field: both a table and an audience, an unknown column, a path leaving the folder', () => {
    const issues = (doc: unknown) => {
      try {
        parseExportJob(doc, catalog);
      } catch (e) {
        if (e instanceof ExportJobError) return e.issues.map((i) => `${i.path}: ${i.message}`);
        throw e;
      }
      return [];
    };
    expect(issues({ table: 'people', audience: 'vip' })).toEqual(['table: name a table or an audience (one of them)']);
    expect(issues({ table: 'people', columns: ['id', 'mail'] })).toEqual([
      "columns[1]: 'mail' is not a column of people. Did you mean 'email'?",
    ]);
    expect(issues({ table: 'people', out: '../etc/x.csv' })[0]).toMatch(/^out: a path relative to the data folder/);
  });
});
