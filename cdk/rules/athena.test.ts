/** Amazon Athena's documented rules, checked on the synthesized template and on the CTAS orca emits. */
import { describe, expect, it } from 'vitest';
import { AthenaEngine } from '../../lambdas/adapters/athena-engine.js';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { orcaTemplate, resourcesOf } from './template.js';

const ctas = () =>
  new AthenaEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    bucket: 'orca-data',
    database: 'orca',
    workGroup: 'orca',
  }).materialize("SELECT 1 AS id, 'main' AS orca_output", { location: 'work/c/r/a', table: 'w_c_r_a' });

describe('Amazon Athena User Guide — CREATE TABLE AS', () => {
  it('"if the workgroup is configured with an enforced query results location, do not specify an external_location": the workgroup does not enforce, or no CTAS names a location', () => {
    const workGroups = resourcesOf(orcaTemplate().template, 'AWS::Athena::WorkGroup');
    expect(workGroups).toHaveLength(1);
    const enforced = workGroups[0]![1].Properties.WorkGroupConfiguration?.EnforceWorkGroupConfiguration !== false;
    const namesLocation = /external_location\s*=/.test(ctas());
    expect({ enforced, namesLocation }).not.toEqual({ enforced: true, namesLocation: true });
  });
});

describe('Amazon Athena User Guide — Workgroup settings', () => {
  it('the engine version and the scan cutoff are workgroup settings, which apply whether or not the workgroup enforces', () => {
    const [, wg] = resourcesOf(orcaTemplate().template, 'AWS::Athena::WorkGroup')[0]!;
    expect(wg.Properties.WorkGroupConfiguration).toMatchObject({
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      BytesScannedCutoffPerQuery: 1024 ** 4,
    });
  });
});
