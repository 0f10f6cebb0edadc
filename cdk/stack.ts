/** The stack this repository deploys: orca with the sample catalog and the example campaigns by default. */
import { join } from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { OrcaCampaigns, type OrcaCampaignsProps } from './orca.js';
import { ORCA_ROOT } from './constructs/functions.js';

export class OrcaStack extends Stack {
  readonly orca: OrcaCampaigns;

  constructor(scope: Construct, id: string, props: StackProps & { orca?: Partial<OrcaCampaignsProps> } = {}) {
    super(scope, id, props);
    this.orca = new OrcaCampaigns(this, 'Orca', {
      catalog: join(ORCA_ROOT, 'examples/catalog.yaml'),
      campaigns: join(ORCA_ROOT, 'examples'),
      ...props.orca,
    });
    new CfnOutput(this, 'DataBucket', {
      value: this.orca.data.bucket.bucketName,
      description: 'catalog data, incoming files, work tables',
    });
    new CfnOutput(this, 'StatusTable', { value: this.orca.status.table.tableName });
    new CfnOutput(this, 'GlueDatabase', { value: this.orca.glue.databaseName });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.orca.workGroup.name });
    if (this.orca.api)
      new CfnOutput(this, 'ApiUrl', {
        value: this.orca.api.url,
        description: 'the orca API (IAM authorization): ORCA_ENDPOINT=<this> orca campaigns',
      });
  }
}
