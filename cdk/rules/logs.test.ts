/** CloudFormation and CloudWatch Logs rules about retained, named resources, checked on the template. */
import { describe, expect, it } from 'vitest';
import { orcaTemplate } from './template.js';

/** The property that names a resource of each type orca retains. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::SecretsManager::Secret': 'Name',
  // The web console's users.
  'AWS::Cognito::UserPool': 'UserPoolName',
  // Keys have no name (aliases do; orca makes none).
  'AWS::KMS::Key': '',
};

describe('AWS CloudFormation User Guide — DeletionPolicy attribute (Retain) and Name type; Amazon CloudWatch Logs API Reference — CreateLogGroup (ResourceAlreadyExistsException)', () => {
  it('a retained resource outlives the stack, so it has no fixed name: CloudFormation names it, or its name holds the stack id (unique per deployment)', () => {
    const { template } = orcaTemplate();
    const json = template.toJSON() as {
      Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>;
    };
    const retained = Object.entries(json.Resources).filter(([, r]) => r.DeletionPolicy === 'Retain');
    expect(retained.length).toBeGreaterThan(5);
    const fixed = retained.filter(([, r]) => {
      const prop = NAME_PROPERTY[r.Type];
      const name = prop ? r.Properties?.[prop] : undefined;
      return name !== undefined && !JSON.stringify(name).includes('"AWS::StackId"');
    });
    expect(fixed.map(([id, r]) => `${id} ${JSON.stringify(r.Properties?.[NAME_PROPERTY[r.Type]!])}`)).toEqual([]);
    // Types that are retained are all known here (a new one must say which property names it).
    for (const [id, r] of retained) expect(Object.keys(NAME_PROPERTY), id).toContain(r.Type);
  });

  it('Step Functions log groups keep the /aws/vendedlogs/ prefix (Step Functions Developer Guide — Logging using CloudWatch Logs: resource policy size)', () => {
    const groups = Object.values(orcaTemplate().template.findResources('AWS::Logs::LogGroup'))
      .map((g) => g.Properties.LogGroupName)
      .filter(Boolean);
    // The campaign machines' (8 examples), the API's, and the job machines' (orca_imports, orca_exports).
    expect(groups.length).toBe(11);
    for (const g of groups) expect(JSON.stringify(g)).toMatch(/\/aws\/vendedlogs\/states\/orca[-_]/);
  });
});
