/** What AWS documents each service integration needs, checked on the synthesized roles. */
import { describe, expect, it } from 'vitest';
import { orcaTemplate } from './template.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** The statements of the policies attached to a role (by the role's logical id prefix). */
function roleStatements(rolePrefix: string): Statement[] {
  const { template } = orcaTemplate();
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Whether some Allow statement grants the action on a resource whose text matches. */
const granted = (statements: Statement[], action: string, resource: RegExp) =>
  statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Action).includes(action) &&
      list(s.Resource).some((r) => resource.test(JSON.stringify(r))),
  );

describe('AWS Step Functions Developer Guide — IAM policies for calling Amazon Athena (startQueryExecution.sync)', () => {
  const machines = () => roleStatements('OrcaCampaignsRole');

  it('the Athena actions, on the deployment’s workgroup and on the data catalog', () => {
    for (const action of [
      'athena:StartQueryExecution',
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StopQueryExecution',
      'athena:GetWorkGroup',
      'athena:GetDataCatalog',
    ]) {
      // Each on its resource type (Service Authorization Reference — Amazon Athena): the data catalog
      // for GetDataCatalog, the workgroup for the others.
      const on = action === 'athena:GetDataCatalog' ? /:datacatalog\/AwsDataCatalog"/ : /:workgroup\/orca"/;
      expect(granted(machines(), action, on), `${action} on its resource`).toBe(true);
    }
  });

  it('Glue: read the catalog and the database, create and update the tables a CTAS writes', () => {
    for (const action of [
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:GetTables',
      'glue:GetPartition',
      'glue:GetPartitions',
      'glue:BatchGetPartition',
      'glue:CreateTable',
      'glue:UpdateTable',
      'glue:BatchCreatePartition',
      'glue:CreatePartition',
    ]) {
      expect(granted(machines(), action, /:glue:.*:catalog"/), `${action} on the catalog`).toBe(true);
      expect(granted(machines(), action, /:database\/orca"/), `${action} on the database`).toBe(true);
      expect(granted(machines(), action, /:table\/orca\/\*"/), `${action} on its tables`).toBe(true);
    }
  });

  it('S3: the bucket, what queries read, and the prefixes they write (work tables, results)', () => {
    for (const action of ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'])
      expect(granted(machines(), action, /OrcaDataBucket\w+","Arn"\]\}"?$/), action).toBe(true);
    for (const prefix of ['work/', 'athena-results/'])
      for (const action of ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'])
        expect(granted(machines(), action, new RegExp(`/${prefix}\\*`)), `${action} on ${prefix}`).toBe(true);
    expect(granted(machines(), 's3:GetObject', /\/catalog\/purchases\/\*/)).toBe(true);
  });
});

describe('AWS Glue Developer Guide — Specifying AWS Glue resource ARNs (table actions need the catalog, the database and the table)', () => {
  const purge = () => roleStatements('OrcaPurgePurgeRole');

  it('the purge lists the database’s tables and drops only run tables (w_, t_, a_); it deletes objects only under work/ and audiences/', () => {
    expect(purge().length).toBeGreaterThan(0);
    for (const [re, what] of [
      [/:glue:.*:catalog"/, 'catalog'],
      [/:database\/orca"/, 'database'],
      [/:table\/orca\/\*"/, 'tables'],
    ] as const)
      expect(granted(purge(), 'glue:GetTables', re), `GetTables on the ${what}`).toBe(true);
    for (const action of ['glue:BatchDeleteTable', 'glue:DeleteTable']) {
      expect(granted(purge(), action, /:database\/orca"/)).toBe(true);
      expect(granted(purge(), action, /:table\/orca\/w_\*"/)).toBe(true);
      expect(granted(purge(), action, /:table\/orca\/t_\*"/)).toBe(true);
      expect(granted(purge(), action, /:table\/orca\/a_\*"/)).toBe(true);
      expect(granted(purge(), action, /:table\/orca\/\*"/), `${action} on every table`).toBe(false);
    }
    const deletes = purge().filter((s) => list(s.Action).includes('s3:DeleteObject'));
    expect(deletes.flatMap((s) => list(s.Resource)).map((r) => JSON.stringify(r))).toEqual([
      expect.stringMatching(/"\/work\/\*"/),
      expect.stringMatching(/"\/audiences\/\*"/),
    ]);
    const all = purge().flatMap((s) => list(s.Action));
    for (const a of ['s3:PutObject', 'glue:CreateTable', 'athena:StartQueryExecution']) expect(all).not.toContain(a);
  });
});
