/**
 * Removing the Glue tables of a run's work tables: every table of the database whose location lies
 * under a prefix of the bucket (w_ work tables, t_ transitions, and any other table over the run's
 * folder). Tables elsewhere (the catalog's, saved audiences', incremental histories') are kept.
 */
import { BatchDeleteTableCommand, type GlueClient, paginateGetTables } from '@aws-sdk/client-glue';

/** BatchDeleteTable takes at most 100 names. */
const BATCH = 100;

/** A table of the database: its name and its folder (s3://bucket/prefix/, with a final slash). */
export interface GlueTableRef {
  name: string;
  folder: string;
}

/** Drops the tables of the database that `drop` selects; returns their names. */
export async function dropTablesWhere(
  glue: GlueClient,
  database: string,
  drop: (t: GlueTableRef) => boolean | Promise<boolean>,
): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateGetTables({ client: glue }, { DatabaseName: database })) {
    for (const t of page.TableList ?? []) {
      const location = t.StorageDescriptor?.Location ?? '';
      const folder = location.endsWith('/') ? location : `${location}/`;
      if (t.Name && (await drop({ name: t.Name, folder }))) names.push(t.Name);
    }
  }
  for (let i = 0; i < names.length; i += BATCH) {
    const r = await glue.send(
      new BatchDeleteTableCommand({ DatabaseName: database, TablesToDelete: names.slice(i, i + BATCH) }),
    );
    const failed = (r.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'EntityNotFoundException');
    if (failed.length)
      throw new Error(
        `Glue refused to delete ${failed.map((e) => `${e.TableName} (${e.ErrorDetail?.ErrorMessage})`).join(', ')}`,
      );
  }
  return names;
}

/** Drops every table whose folder lies under a prefix of the bucket. */
export function dropTablesUnder(glue: GlueClient, database: string, bucket: string, prefix: string): Promise<string[]> {
  const url = `s3://${bucket}/${prefix.replace(/^\/+|\/+$/g, '')}/`;
  return dropTablesWhere(glue, database, (t) => t.folder.startsWith(url));
}
