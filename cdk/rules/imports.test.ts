/**
 * Import jobs in the cloud (cdk/constructs/imports.ts), on the synthesized stack resolved to a
 * deployment's ARNs (account 123456789012, eu-west-1): the import function holds exactly the grants
 * listed here (the catalog's tables named one by one: recipients, products, purchases and
 * subscriptions of examples/catalog.yaml), the job machine is statemachines/import-job.ts with its
 * function substituted and invokes nothing else, and the API may start it and presign uploads.
 * ARN formats: "Service Authorization Reference" — AWS Glue (catalog, database, table), Amazon S3
 * (object), Amazon Athena (workgroup), AWS Step Functions (stateMachine).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, ResolvedTemplate } from '../../test/helpers/iam/template.js';
import { compileImportJob } from '../../statemachines/import-job.js';
import { compileExportJob } from '../../statemachines/export-job.js';
import { orcaTemplate } from './template.js';

let t: ResolvedTemplate;
beforeAll(() => {
  t = new ResolvedTemplate(orcaTemplate().template.toJSON() as CfnTemplate);
});

const HERE = 'eu-west-1:123456789012';
const TABLES = ['recipients', 'products', 'purchases', 'subscriptions'];

/** Every Allow grant of a role as "action on resource [if condition]", the bucket's name shortened. */
function grants(roleId: string): string[] {
  const bucket = t.name(t.id('AWS::S3::Bucket', 'OrcaDataBucket'));
  return t
    .rolePolicies(roleId)
    .flatMap(({ policy }) => policy.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      [s.Action ?? []]
        .flat()
        .flatMap((a) =>
          [s.Resource ?? []]
            .flat()
            .map((r) => `${a} on ${r}${s.Condition ? ` if ${JSON.stringify(s.Condition)}` : ''}`),
        ),
    )
    .map((g) => g.replaceAll(bucket, '<bucket>'))
    .sort();
}

const importRole = () => t.roleOf(t.id('AWS::Lambda::Function', 'OrcaImportsImport'));
const glue = (r: string) => `arn:aws:glue:${HERE}:${r}`;
const object = (key: string) => `arn:aws:s3:::<bucket>/${key}`;
const onGlue = (actions: string[], tables: string[]) =>
  actions.flatMap((a) =>
    [glue('catalog'), glue('database/orca'), ...tables.map((x) => glue(`table/orca/${x}`))].map((r) => `${a} on ${r}`),
  );

describe('the import function: the catalog’s tables, the uploads, the job’s work prefix, nothing else', () => {
  it('holds exactly these grants (besides its logs, traces and the status table)', () => {
    const own = grants(importRole()).filter((g) => !/^(logs|xray|dynamodb):/.test(g));
    const written = ['imports/', ...TABLES.map((x) => `versions/${x}/`)];
    const read = ['uploads/', ...TABLES.map((x) => `catalog/${x}/`)];
    const expected = [
      ...['GetQueryExecution', 'GetQueryResults', 'StartQueryExecution', 'StopQueryExecution'].map(
        (a) => `athena:${a} on arn:aws:athena:${HERE}:workgroup/orca`,
      ),
      `glue:GetDatabase on ${glue('catalog')}`,
      `glue:GetDatabase on ${glue('database/orca')}`,
      // The catalog's tables: read by the queries, switched to a new version by the swap.
      ...onGlue(['glue:GetTable', 'glue:GetPartitions', 'glue:UpdateTable'], TABLES),
      // The job's own tables (imp_…): the file's table, the work tables of the CTAS.
      ...onGlue(
        ['glue:GetTable', 'glue:GetPartitions', 'glue:CreateTable', 'glue:DeleteTable', 'glue:BatchCreatePartition'],
        ['imp_*'],
      ),
      's3:GetBucketLocation on arn:aws:s3:::<bucket>',
      's3:ListBucketMultipartUploads on arn:aws:s3:::<bucket>',
      `s3:ListBucket on arn:aws:s3:::<bucket> if ${JSON.stringify({ StringLike: { 's3:prefix': read.map((p) => `${p}*`) } })}`,
      `s3:ListBucket on arn:aws:s3:::<bucket> if ${JSON.stringify({ StringLike: { 's3:prefix': written.map((p) => `${p}*`) } })}`,
      ...read.map((p) => `s3:GetObject on ${object(`${p}*`)}`),
      ...['GetObject', 'PutObject', 'AbortMultipartUpload', 'ListMultipartUploadParts'].flatMap((a) =>
        written.map((p) => `s3:${a} on ${object(`${p}*`)}`),
      ),
      ...['GetObject', 'PutObject', 'AbortMultipartUpload'].map((a) => `s3:${a} on ${object('athena-results/*')}`),
      ...written.map((p) => `s3:DeleteObject on ${object(`${p}*`)}`),
    ].sort();
    expect(own).toEqual(expected);
  });

  it('never writes the uploads nor a catalog table’s own folder, never updates a Glue table but the catalog’s', () => {
    const own = grants(importRole());
    expect(own.filter((g) => /^s3:(PutObject|DeleteObject) on .*\/(uploads|catalog)\//.test(g))).toEqual([]);
    expect(own.filter((g) => g.startsWith('glue:UpdateTable on') && g.includes(':table/')).sort()).toEqual(
      TABLES.map((x) => `glue:UpdateTable on ${glue(`table/orca/${x}`)}`).sort(),
    );
  });

  it('its timeout is Lambda’s longest (one stage per invocation, its queries cancelled before)', () => {
    const fn = t.template.Resources[t.id('AWS::Lambda::Function', 'OrcaImportsImport')]!.Properties!;
    expect(fn.Timeout).toBe(900);
  });
});

describe('the job machine orca_imports', () => {
  const machine = () =>
    t
      .resourcesOfType('AWS::StepFunctions::StateMachine')
      .find(([, r]) => r.Properties!.StateMachineName === 'orca_imports')!;

  it('is statemachines/import-job.ts byte for byte, its ImportFunction placeholder the import function', () => {
    const [, m] = machine();
    expect(JSON.parse(t.resolve(m.Properties!.DefinitionString!) as string)).toEqual(compileImportJob());
    expect(t.resolve(m.Properties!.DefinitionSubstitutions!)).toEqual({
      ImportFunction: t.getAtt(t.id('AWS::Lambda::Function', 'OrcaImportsImport'), 'Arn'),
    });
    expect(m.Properties!.StateMachineType).toBe('STANDARD');
    expect(m.Properties!.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('invokes the import function only', () => {
    const [id] = machine();
    const invoke = grants(t.roleOf(id)).filter((g) => g.startsWith('lambda:'));
    expect(invoke).toEqual([
      `lambda:InvokeFunction on ${t.getAtt(t.id('AWS::Lambda::Function', 'OrcaImportsImport'), 'Arn')}`,
    ]);
  });
});

const exportRole = () => t.roleOf(t.id('AWS::Lambda::Function', 'OrcaImportsExport'));

describe('the export function: reads the catalog’s tables and the saved audiences, writes exports/ only', () => {
  it('holds exactly these grants (besides its logs, traces and the status table)', () => {
    const own = grants(exportRole()).filter((g) => !/^(logs|xray|dynamodb):/.test(g));
    const read = [...TABLES.map((x) => `catalog/${x}/`), ...TABLES.map((x) => `versions/${x}/`), 'audiences/'];
    const expected = [
      ...['GetQueryExecution', 'GetQueryResults', 'StartQueryExecution', 'StopQueryExecution'].map(
        (a) => `athena:${a} on arn:aws:athena:${HERE}:workgroup/orca`,
      ),
      // "Amazon Athena User Guide — UNLOAD" runs as the caller: the tables its SELECT reads.
      ...onGlue(['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], [...TABLES, 'a_*']),
      's3:GetBucketLocation on arn:aws:s3:::<bucket>',
      's3:ListBucketMultipartUploads on arn:aws:s3:::<bucket>',
      `s3:ListBucket on arn:aws:s3:::<bucket> if ${JSON.stringify({ StringLike: { 's3:prefix': read.map((p) => `${p}*`) } })}`,
      `s3:ListBucket on arn:aws:s3:::<bucket> if ${JSON.stringify({ StringLike: { 's3:prefix': ['exports/*'] } })}`,
      ...read.map((p) => `s3:GetObject on ${object(`${p}*`)}`),
      ...['GetObject', 'PutObject', 'AbortMultipartUpload', 'ListMultipartUploadParts'].map(
        (a) => `s3:${a} on ${object('exports/*')}`,
      ),
      ...['GetObject', 'PutObject', 'AbortMultipartUpload'].map((a) => `s3:${a} on ${object('athena-results/*')}`),
      `s3:DeleteObject on ${object('exports/*')}`,
    ].sort();
    expect(own).toEqual(expected);
  });

  it('never updates a Glue table, never writes outside exports/ and the query results', () => {
    const own = grants(exportRole());
    expect(own.filter((g) => /^glue:(UpdateTable|CreateTable|DeleteTable)/.test(g))).toEqual([]);
    expect(
      own.filter((g) => /^s3:(PutObject|DeleteObject) on /.test(g) && !/\/(exports|athena-results)\/\*$/.test(g)),
    ).toEqual([]);
  });
});

describe('the export machine orca_exports', () => {
  const machine = () =>
    t
      .resourcesOfType('AWS::StepFunctions::StateMachine')
      .find(([, r]) => r.Properties!.StateMachineName === 'orca_exports')!;

  it('is statemachines/export-job.ts byte for byte, its ExportFunction placeholder the export function; it invokes that only', () => {
    const [id, m] = machine();
    expect(JSON.parse(t.resolve(m.Properties!.DefinitionString!) as string)).toEqual(compileExportJob());
    const fn = t.getAtt(t.id('AWS::Lambda::Function', 'OrcaImportsExport'), 'Arn');
    expect(t.resolve(m.Properties!.DefinitionSubstitutions!)).toEqual({ ExportFunction: fn });
    expect(m.Properties!.StateMachineType).toBe('STANDARD');
    expect(grants(t.roleOf(id)).filter((g) => g.startsWith('lambda:'))).toEqual([`lambda:InvokeFunction on ${fn}`]);
  });

  it('the API may start it (ORCA_EXPORT_MACHINE)', () => {
    const api = grants(t.roleOf(t.id('AWS::Lambda::Function', 'OrcaApiHandler')));
    const fn = t.template.Resources[t.id('AWS::Lambda::Function', 'OrcaApiHandler')]!.Properties!;
    const env = (t.resolve(fn.Environment as never) as { Variables: Record<string, string> }).Variables;
    expect(env.ORCA_EXPORT_MACHINE).toBe(`arn:aws:states:${HERE}:stateMachine:orca_exports`);
    expect(api).toContain(`states:StartExecution on arn:aws:states:${HERE}:stateMachine:orca_exports`);
  });
});

describe('the API and jobs', () => {
  it('starts executions of the job machine, stops a cancelled job’s queries, presigns uploads', () => {
    const api = grants(t.roleOf(t.id('AWS::Lambda::Function', 'OrcaApiHandler')));
    const fn = t.template.Resources[t.id('AWS::Lambda::Function', 'OrcaApiHandler')]!.Properties!;
    const env = (t.resolve(fn.Environment as never) as { Variables: Record<string, string> }).Variables;
    expect(env.ORCA_IMPORT_MACHINE).toBe(`arn:aws:states:${HERE}:stateMachine:orca_imports`);
    expect(api).toContain(`states:StartExecution on arn:aws:states:${HERE}:stateMachine:orca_imports`);
    expect(api).toContain(`s3:PutObject on ${object('uploads/*')}`);
    for (const a of ['ListQueryExecutions', 'BatchGetQueryExecution', 'StopQueryExecution'])
      expect(api).toContain(`athena:${a} on arn:aws:athena:${HERE}:workgroup/orca`);
  });
});

describe('update data activities: the record function swaps, the campaign machines write the versions', () => {
  it('the record function may switch the catalog’s tables (GetTable, UpdateTable) and remove their versions, nothing more of Glue', () => {
    const record = grants(t.roleOf(t.id('AWS::Lambda::Function', 'OrcaFunctionsRecord')));
    const versions = TABLES.map((x) => `versions/${x}/`);
    for (const g of onGlue(['glue:GetTable', 'glue:UpdateTable'], TABLES)) expect(record).toContain(g);
    for (const p of versions) expect(record).toContain(`s3:DeleteObject on ${object(`${p}*`)}`);
    expect(record).toContain(
      `s3:ListBucket on arn:aws:s3:::<bucket> if ${JSON.stringify({ StringLike: { 's3:prefix': versions.map((p) => `${p}*`) } })}`,
    );
    // UpdateTable only on the catalog's tables: never the work tables (w_*, t_*) nor the database's other tables.
    expect(record.filter((g) => g.startsWith('glue:UpdateTable')).sort()).toEqual(
      onGlue(['glue:UpdateTable'], TABLES).sort(),
    );
    // It writes no version itself (the CTAS does): no PutObject under versions/.
    expect(record.filter((g) => g.startsWith('s3:PutObject') && g.includes('versions/'))).toEqual([]);
  });

  it('the campaign machines’ CTAS writes (and their queries read) versions/<table>/ of the catalog’s tables only', () => {
    const machines = grants(t.id('AWS::IAM::Role', 'OrcaCampaignsRole'));
    for (const p of TABLES.map((x) => `versions/${x}/`))
      for (const a of ['GetObject', 'PutObject', 'AbortMultipartUpload', 'ListMultipartUploadParts'])
        expect(machines).toContain(`s3:${a} on ${object(`${p}*`)}`);
    expect(machines.filter((g) => g.includes('versions/')).length).toBe(4 * TABLES.length);
  });
});
