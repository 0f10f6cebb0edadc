import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetTableCommand, GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import { GlueTableSwitch } from './glue-table-switch.js';
import type { CatalogTable } from '../catalog/catalog.js';

const table: CatalogTable = {
  name: 'customers',
  label: 'customers',
  primaryKey: 'id',
  location: 'tables/customers',
  columns: new Map([['id', { name: 'id', type: 'integer', label: 'id' }]]),
  links: new Map(),
};

describe('GlueTableSwitch (AWS Glue API — UpdateTable, TableInput structure)', () => {
  it('sends the current definition with only the location changed, and the VersionId read', async () => {
    const glue = mockClient(GlueClient);
    glue.on(GetTableCommand).resolves({
      Table: {
        Name: 'customers',
        DatabaseName: 'orca',
        CreateTime: new Date(0),
        VersionId: '7',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'parquet' },
        StorageDescriptor: { Location: 's3://b/tables/customers/', Columns: [{ Name: 'id', Type: 'bigint' }] },
      },
    });
    glue.on(UpdateTableCommand).resolves({});
    await new GlueTableSwitch({ glue: new GlueClient({}), database: 'orca', bucket: 'b' }).switchTo(
      table,
      'versions/customers/3',
    );
    expect(glue.commandCalls(GetTableCommand)[0]!.args[0].input).toEqual({ DatabaseName: 'orca', Name: 'customers' });
    const input = glue.commandCalls(UpdateTableCommand)[0]!.args[0].input;
    // TableInput has no CreateTime or DatabaseName: UpdateTable refuses fields it does not take.
    expect(input).toEqual({
      DatabaseName: 'orca',
      VersionId: '7',
      SkipArchive: false,
      TableInput: {
        Name: 'customers',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'parquet' },
        StorageDescriptor: { Location: 's3://b/versions/customers/3/', Columns: [{ Name: 'id', Type: 'bigint' }] },
      },
    });
    glue.restore();
  });

  it("switches a catalog table's own Glue table when it names one", async () => {
    const glue = mockClient(GlueClient);
    glue.on(GetTableCommand).resolves({ Table: { Name: 'crm', StorageDescriptor: { Location: 's3://x/' } } });
    glue.on(UpdateTableCommand).resolves({});
    await new GlueTableSwitch({ glue: new GlueClient({}), database: 'orca', bucket: 'b' }).switchTo(
      { ...table, glue: { database: 'sales', table: 'crm' } },
      'versions/customers/4',
    );
    expect(glue.commandCalls(UpdateTableCommand)[0]!.args[0].input.DatabaseName).toBe('sales');
    glue.restore();
  });
});
