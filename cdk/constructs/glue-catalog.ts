/**
 * The Glue database orca queries through Athena, with an external Parquet table per catalog
 * table over its folder in the data bucket. Catalog tables that name an existing Glue table
 * (a team's data lake) get no table here; orca reads theirs.
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Catalog } from '../../lambdas/catalog/catalog.js';
import { glueType } from '../../lambdas/sql/types.js';

export interface GlueCatalogProps {
  catalog: Catalog;
  bucket: s3.IBucket;
  databaseName: string;
}

export class GlueCatalog extends Construct {
  readonly databaseName: string;
  /** Databases of existing Glue tables the catalog points at. */
  readonly externalDatabases: string[];

  constructor(scope: Construct, id: string, props: GlueCatalogProps) {
    super(scope, id);
    this.databaseName = props.databaseName;
    const account = Stack.of(this).account;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: props.databaseName, description: 'orca: catalog tables and campaign work tables' },
    });
    this.externalDatabases = [
      ...new Set([...props.catalog.tables.values()].flatMap((t) => (t.glue ? [t.glue.database] : []))),
    ];
    for (const t of props.catalog.tables.values()) {
      // A lake table (orca_optouts) is JSON lines: the channels construct creates its Glue table.
      if (t.glue || t.lake) continue;
      const table = new glue.CfnTable(this, `Table-${t.name}`, {
        catalogId: account,
        databaseName: props.databaseName,
        tableInput: {
          name: t.name,
          description: t.label,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'parquet', EXTERNAL: 'TRUE' },
          storageDescriptor: {
            columns: [...t.columns.values()].map((c) => ({ name: c.name, type: glueType(c.type), comment: c.label })),
            location: props.bucket.s3UrlForObject(`${t.location.replace(/^\/+|\/+$/g, '')}/`),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          },
        },
      });
      table.node.addDependency(database);
    }
  }
}
