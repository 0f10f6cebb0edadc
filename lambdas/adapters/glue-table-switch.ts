/**
 * The cloud's table switch: a catalog table's Glue entry pointed at a new version's folder with one
 * UpdateTable ("AWS Glue API — UpdateTable": the TableInput replaces the table's definition, so it is
 * the current one read with GetTable, fields UpdateTable does not take left out, and only
 * StorageDescriptor.Location changed). Athena reads the location when a query starts: a query sees
 * the old version or the new one, never half of each.
 */
import { GetTableCommand, type GlueClient, type TableInput, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { CatalogTable } from '../catalog/catalog.js';
import type { TableSwitch } from '../ports/imports.js';

/** The fields of a GetTable answer that TableInput has ("AWS Glue API — TableInput structure"). */
const TABLE_INPUT_FIELDS = [
  'Name',
  'Description',
  'Owner',
  'LastAccessTime',
  'LastAnalyzedTime',
  'Retention',
  'StorageDescriptor',
  'PartitionKeys',
  'ViewOriginalText',
  'ViewExpandedText',
  'TableType',
  'Parameters',
  'TargetTable',
] as const;

export class GlueTableSwitch implements TableSwitch {
  constructor(private readonly o: { glue: GlueClient; database: string; bucket: string }) {}

  async switchTo(table: CatalogTable, location: string): Promise<void> {
    const database = table.glue?.database ?? this.o.database;
    const name = table.glue?.table ?? table.name;
    const current = await this.o.glue.send(new GetTableCommand({ DatabaseName: database, Name: name }));
    const t = current.Table;
    if (!t?.StorageDescriptor) throw new Error(`the Glue table ${database}.${name} has no storage descriptor`);
    const input: TableInput = {} as TableInput;
    for (const f of TABLE_INPUT_FIELDS) if (t[f] !== undefined) (input as unknown as Record<string, unknown>)[f] = t[f];
    input.StorageDescriptor = {
      ...t.StorageDescriptor,
      Location: `s3://${this.o.bucket}/${location.replace(/^\/+|\/+$/g, '')}/`,
    };
    await this.o.glue.send(
      new UpdateTableCommand({
        DatabaseName: database,
        TableInput: input,
        // Optimistic: refused when someone changed the table since it was read.
        ...(t.VersionId ? { VersionId: t.VersionId } : {}),
        SkipArchive: false,
      }),
    );
  }
}
