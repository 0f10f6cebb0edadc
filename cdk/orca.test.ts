/**
 * The stack, with aws-cdk-lib/assertions: each resource and its security properties, the state
 * machines equal to the compiler's output, least-privilege IAM, schedules and alarms; and cdk-nag.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrcaStack } from './stack.js';
import { orcaBundling } from './constructs/functions.js';
import { orcaTemplate, TEST_CHANNELS, testApp } from './rules/template.js';
import { compileCampaigns } from './campaigns.js';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { validateCampaign } from '../statemachines/validate.js';
import { compileCampaign } from '../statemachines/compile.js';
import { AthenaDialect } from '../lambdas/sql/dialect.js';

const root = join(import.meta.dirname, '..');

// The stack's template, shared with cdk/rules and test/iam.test.ts (one synth per worker); apps
// without bundling (but the one test that checks the bundles) and without CDK's built-in validation.
let template: Template;

beforeAll(() => {
  template = orcaTemplate().template;
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const statements = (): Array<{ policy: string; s: Statement }> =>
  Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([policy, r]) =>
    (r.Properties.PolicyDocument.Statement as Statement[]).map((s) => ({ policy, s })),
  );
const actions = (s: Statement) => [s.Action].flat();
const resources = (s: Statement) => [s.Resource].flat();

describe('the orca stack', () => {
  it('data bucket: encrypted, private, TLS only, access logs, work tables expire after the retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'data/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'expire-work-tables', Prefix: 'work/', ExpirationInDays: 45, Status: 'Enabled' }),
        ]),
      },
    });
    for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    // The data bucket and its access logs; the web console's files and its logs (cdk/rules/console-site.test.ts).
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toHaveLength(4);
  });

  it('Glue database, one Parquet table per catalog table, and the channels’ lake tables', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'orca' } });
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((t) => t.Properties.TableInput);
    expect(tables.map((t) => t.Name).sort()).toEqual([
      'orca_messages',
      'orca_optouts',
      'products',
      'purchases',
      'recipients',
      'subscriptions',
    ]);
    const purchases = tables.find((t) => t.Name === 'purchases');
    expect(purchases.StorageDescriptor.Columns).toContainEqual({
      Name: 'amount',
      Type: 'decimal(18,2)',
      Comment: 'amount',
    });
    expect(purchases.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(JSON.stringify(purchases.StorageDescriptor.Location)).toContain('/catalog/purchases/');
  });

  it('Athena workgroup: engine v3, encrypted results (not enforced: CTAS names its location), a scan cutoff', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'orca',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: false,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        BytesScannedCutoffPerQuery: 1024 ** 4,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: Match.anyValue(),
        },
      },
    });
  });

  it('status table: on demand, point-in-time recovery, encrypted, with its indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' }), Match.objectLike({ IndexName: 'gsi2' })],
    });
  });

  it('ten functions (control, gate, record, purge, API, registry, send, events, import, export): current Node runtime, tracing, their settings, no managed policies', () => {
    // CDK's BucketDeployment function (it copies the web console into its bucket) aside: cdk/rules/console-site.test.ts.
    const fns = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
      .map(([, f]) => f);
    expect(fns).toHaveLength(10);
    for (const f of fns) {
      expect(f.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(Object.keys(f.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining(['ORCA_TABLE', 'ORCA_ACCOUNT', 'POWERTOOLS_SERVICE_NAME']),
      );
    }
    const orchestrator = fns.filter((f) =>
      /starts and ends runs|the gate before|records an activity/.test(f.Properties.Description),
    );
    expect(orchestrator).toHaveLength(3);
    for (const f of orchestrator)
      expect(Object.keys(f.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining(['ORCA_BUCKET', 'ORCA_DATABASE', 'ORCA_WORKGROUP', 'ORCA_ALERT_TOPIC']),
      );
    // Exactly what lambdas/entry/entries.test.ts runs the register and API entries with.
    const envOf = (description: RegExp) =>
      Object.keys(fns.find((f) => description.test(f.Properties.Description))!.Properties.Environment.Variables)
        .filter((k) => k.startsWith('ORCA_'))
        .sort();
    expect(envOf(/one stage of an import job/)).toEqual([
      'ORCA_ACCOUNT',
      'ORCA_BUCKET',
      'ORCA_DATABASE',
      'ORCA_PARTITION',
      'ORCA_TABLE',
      'ORCA_WORKGROUP',
    ]);
    expect(envOf(/records campaigns deployed as code/)).toEqual(['ORCA_ACCOUNT', 'ORCA_PARTITION', 'ORCA_TABLE']);
    expect(envOf(/purges the work tables/)).toEqual([
      'ORCA_ACCOUNT',
      'ORCA_BUCKET',
      'ORCA_DATABASE',
      'ORCA_PARTITION',
      'ORCA_RETENTION_DAYS',
      'ORCA_TABLE',
      'ORCA_WORKGROUP',
    ]);
    expect(envOf(/the HTTP API/)).toEqual([
      'ORCA_ACCOUNT',
      'ORCA_BUCKET',
      'ORCA_CONTROL_FUNCTION',
      'ORCA_DATABASE',
      'ORCA_EXPORT_MACHINE',
      'ORCA_GATE_FUNCTION',
      // The import job machine, whose executions the API starts (cdk/constructs/imports.ts).
      'ORCA_IMPORT_MACHINE',
      'ORCA_LINK_SECRET_ARN',
      'ORCA_MACHINE_LOGS',
      'ORCA_MACHINE_ROLE',
      'ORCA_PARTITION',
      'ORCA_RECORD_FUNCTION',
      'ORCA_SCHEDULER_ROLE',
      'ORCA_SEND_FUNCTION',
      // The SES identity: publication checks throttles against its sending rate.
      'ORCA_SES_CONFIGURATION_SET',
      'ORCA_SES_IDENTITY',
      'ORCA_TABLE',
      'ORCA_WORKGROUP',
    ]);
    for (const role of Object.values(template.findResources('AWS::IAM::Role')))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("one state machine per campaign, whose definition is the compiler's output", () => {
    const catalog = loadCatalog(join(root, 'examples/catalog.yaml'));
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const byName = Object.fromEntries(
      Object.values(machines)
        // The job machines (cdk/rules/imports.test.ts) are no campaign's.
        .filter((m) => !['orca_imports', 'orca_exports'].includes(m.Properties.StateMachineName))
        .map((m) => [m.Properties.StateMachineName, m.Properties]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'orca-birthday',
      'orca-crosssell',
      'orca-leads',
      'orca-loyalty-upgrade',
      'orca-newsletter',
      'orca-sms-reminder',
      'orca-spring-newsletter',
      'orca-winback',
    ]);
    for (const id of [
      'winback',
      'birthday',
      'crosssell',
      'newsletter',
      'leads',
      'loyalty-upgrade',
      'sms-reminder',
      'spring-newsletter',
    ]) {
      const v = validateCampaign(readDocument(join(root, `examples/${id}.yaml`)), catalog, {
        dialect: new AthenaDialect({ database: 'orca' }),
      });
      const expected = compileCampaign(v.analysis!).definition;
      const m = byName[`orca-${id}`];
      expect(JSON.parse(m.DefinitionString)).toEqual(expected);
      expect(Object.keys(m.DefinitionSubstitutions).sort()).toEqual([
        'AthenaDatabase',
        'AthenaResults',
        'AthenaWorkGroup',
        'ControlFunction',
        'GateFunction',
        'RecordFunction',
        'SendFunction',
      ]);
      expect(m.StateMachineType).toBe('STANDARD');
      expect(m.TracingConfiguration).toEqual({ Enabled: true });
      expect(m.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    }
  });

  it('no IAM statement allows every action; Resource "*" only where the action cannot be scoped', () => {
    // Actions with no resource-level permissions: X-Ray tracing, CloudWatch Logs log delivery
    // (used by Step Functions logging), SES's account (the sending quota).
    const unscopable =
      /^(ses:GetAccount|states:SendTask(Success|Failure|Heartbeat)|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    const all = statements();
    expect(all.length).toBeGreaterThan(10);
    for (const { policy, s } of all) {
      for (const a of actions(s)) expect(a, policy).not.toMatch(/^\*$|:\*$/);
      if (resources(s).includes('*')) for (const a of actions(s)) expect(a, `${policy} ${a} on *`).toMatch(unscopable);
    }
  });

  it("the state machines may only invoke orca's functions and query in orca's workgroup", () => {
    const invoke = statements().filter(
      ({ policy, s }) => policy.startsWith('OrcaCampaignsRole') && actions(s).includes('lambda:InvokeFunction'),
    );
    expect(invoke).toHaveLength(1);
    // Control, gate, record and the channels' send function, each with its versions (:*).
    expect(resources(invoke[0]!.s)).toHaveLength(8);
    const athena = statements().filter(({ s }) => actions(s).includes('athena:StartQueryExecution'));
    for (const { s } of athena) expect(JSON.stringify(s.Resource)).toContain(':workgroup/orca');
  });

  it('schedules: expression, time zone, target and input of each scheduled campaign', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((s) => s.Properties);
    const byName = Object.fromEntries(schedules.map((s) => [s.Name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      'orca-birthday',
      'orca-crosssell',
      'orca-newsletter',
      'orca-sms-reminder',
      'orca-winback',
    ]);
    expect(byName['orca-winback']).toMatchObject({
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(byName['orca-birthday']).toMatchObject({
      ScheduleExpression: 'cron(30 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
    expect(byName['orca-crosssell']).toMatchObject({ ScheduleExpression: 'cron(15 9 ? * TUE,FRI *)' });
    expect(byName['orca-newsletter']).toMatchObject({ ScheduleExpression: 'cron(0 10 ? * THU *)' });
    const machineIds = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).map(
      ([logicalId, m]) => [m.Properties.StateMachineName, logicalId],
    );
    for (const s of schedules) {
      const logicalId = machineIds.find(([name]) => name === s.Name)![1];
      expect(s.Target).toMatchObject({
        Arn: { Ref: logicalId },
        Input: '{"trigger":"schedule"}',
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^OrcaSchedulesRole/), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3 },
      });
    }
  });

  it('alarms on failed and timed-out runs and failing or throttled functions, to an encrypted topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    // One per campaign machine (the 8 examples), one per function.
    expect(alarms.filter((a) => a.MetricName === 'ExecutionsFailed')).toHaveLength(8);
    expect(alarms.filter((a) => a.MetricName === 'ExecutionsTimedOut')).toHaveLength(8);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(10);
    expect(alarms.filter((a) => a.MetricName === 'Throttles')).toHaveLength(10);
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'crm-team@example.com',
      FilterPolicy: { campaign: ['birthday'] },
    });
    for (const t of Object.values(template.findResources('AWS::SNS::Topic')))
      expect(t.Properties.KmsMasterKeyId).toBeDefined();
  });
});

describe('the API', () => {
  it('an HTTP API whose routes require IAM authorization (but the public links: cdk/rules/public-routes.test.ts), throttled, with access logs', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    // The public links, and the web console's CORS preflight (cdk/rules/console-site.test.ts) aside.
    const open = /^(GET|POST) \/[uoc]\/\{token\}$|^OPTIONS \/\{proxy\+\}$/;
    expect(routes.filter((r) => !open.test(r.RouteKey))).toEqual([
      expect.objectContaining({ RouteKey: '$default', AuthorizationType: 'AWS_IAM' }),
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties;
    expect(stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]).toMatch(/^OrcaApiAccessLogs/);
    expect(template.findOutputs('ApiUrl')).toHaveProperty('ApiUrl');
  });

  it("the API function may pass the machines' role only to Step Functions, and the scheduler's only to EventBridge Scheduler", () => {
    const api = statements().filter(({ policy }) => policy.startsWith('OrcaApiHandlerRole'));
    const pass = api
      .filter(({ s }) => actions(s).includes('iam:PassRole'))
      .map(({ s }) => s as Statement & { Condition: unknown });
    expect(pass.map((s) => s.Condition).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
    ]);
    expect(pass.map((s) => JSON.stringify(s.Resource)).join()).toMatch(
      /OrcaCampaignsRole.*OrcaApiSchedulerRole|OrcaApiSchedulerRole.*OrcaCampaignsRole/,
    );
    const machines = api.filter(({ s }) => actions(s).includes('states:CreateStateMachine'));
    expect(machines).toHaveLength(1);
    for (const r of resources(machines[0]!.s)) expect(JSON.stringify(r)).toMatch(/:stateMachine:orca-\*(:\*)?"/);
    const schedules = api.filter(({ s }) => actions(s).includes('scheduler:CreateSchedule'));
    expect(JSON.stringify(schedules[0]!.s.Resource)).toContain(':schedule/default/orca-*');
    // It reads work tables (previews) but never deletes or creates them; it writes query results,
    // opt-outs (unsubscribes) and uploads (the presigned PUTs of import files) only.
    const all = api.flatMap(({ s }) => actions(s));
    for (const a of ['s3:DeleteObject', 'glue:CreateTable', 'glue:DeleteTable']) expect(all).not.toContain(a);
    const writes = api.filter(({ s }) => actions(s).includes('s3:PutObject'));
    expect(writes).toHaveLength(3);
    expect(writes.map(({ s }) => JSON.stringify(s.Resource)).sort()).toEqual([
      expect.stringMatching(
        /^\[?\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["OrcaDataBucket\w+","Arn"\]\},"\/athena-results\/\*"\]\]\}\]?$/,
      ),
      expect.stringMatching(
        /^\[?\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["OrcaDataBucket\w+","Arn"\]\},"\/channels\/optouts\/\*"\]\]\}\]?$/,
      ),
      expect.stringMatching(
        /^\[?\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["OrcaDataBucket\w+","Arn"\]\},"\/uploads\/\*"\]\]\}\]?$/,
      ),
    ]);
  });

  it('the scheduler role of API schedules trusts only the scheduler of this account and only starts orca machines', () => {
    const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) =>
      id.startsWith('OrcaApiSchedulerRole'),
    )![1];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const own = statements().filter(({ policy }) => policy.startsWith('OrcaApiSchedulerRole'));
    expect(own.flatMap(({ s }) => actions(s))).toEqual(['states:StartExecution']);
  });

  it('each campaign deployed as code is recorded by a custom resource with its document and machine', () => {
    const records = Object.values(template.findResources('Custom::OrcaCampaign')).map((r) => r.Properties);
    expect(records).toHaveLength(8);
    const machineIds = Object.fromEntries(
      Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).map(([logicalId, m]) => [
        m.Properties.StateMachineName,
        logicalId,
      ]),
    );
    for (const r of records) {
      const doc = JSON.parse(r.Definition);
      expect(doc).toEqual(readDocument(join(root, `examples/${doc.id}.yaml`)));
      expect(r.Machine).toEqual({ Ref: machineIds[`orca-${doc.id}`] });
      expect(r.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrcaApiRegister/), 'Arn'] });
    }
  });

  it('api: false leaves the API out', () => {
    const app = testApp();
    const t = Template.fromStack(new OrcaStack(app, 'NoApi', { orca: { api: false } }));
    expect(Object.keys(t.findResources('AWS::ApiGatewayV2::Api'))).toHaveLength(0);
    // control, gate, record, purge, send, events, import, export.
    expect(Object.keys(t.findResources('AWS::Lambda::Function'))).toHaveLength(8);
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions checks pass, with a written reason for each accepted finding', () => {
    const app = testApp();
    new OrcaStack(app, 'Orca');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('AwsSolutions checks pass with every channel set up (the sending grants, the public routes, the link secret)', () => {
    const app = testApp();
    new OrcaStack(app, 'Orca', { orca: { channels: TEST_CHANNELS } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('an unacknowledged wildcard fails the synth', async () => {
    const app = testApp();
    const s = new OrcaStack(app, 'Orca');
    const { PolicyStatement } = await import('aws-cdk-lib/aws-iam');
    s.orca.functions.control.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [s.orca.data.bucket.arnForObjects('secret/*')] }),
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});

describe('campaign files at synth', () => {
  it('a schedule that would never fire is left out with a warning naming the file; the campaign still compiles', () => {
    const doc = {
      id: 'late',
      label: 'Late',
      dimension: 'recipients',
      trigger: { type: 'once', at: '2020-01-01T09:00' },
      activities: [
        { id: 'a', type: 'buildAudience' },
        { id: 'e', type: 'end' },
      ],
      transitions: [{ from: 'a', to: 'e' }],
    };
    const [late] = compileCampaigns(
      loadCatalog(join(root, 'examples/catalog.yaml')),
      [{ file: 'late.yaml', doc }],
      'orca',
    );
    expect(late!.schedule).toBeUndefined();
    expect(late!.scheduleSkipped).toMatch(/trigger: the schedule has no launch after now/);
  });
});

describe('an existing data lake', () => {
  it("catalog tables in a team's Glue database: no table created, read access to that database and its bucket", () => {
    const app = testApp();
    const s = new OrcaStack(app, 'Lake', {
      orca: {
        catalog: {
          tables: {
            customers: {
              primaryKey: 'id',
              location: 'unused',
              glue: { database: 'lake', table: 'crm_customers' },
              columns: { id: 'integer', email: 'string' },
            },
          },
        },
        definitions: [
          {
            file: 'lake.yaml',
            doc: {
              id: 'lake',
              label: 'Lake',
              dimension: 'customers',
              activities: [
                { id: 'a', type: 'buildAudience', query: { attribute: 'email', operator: 'isNotEmpty' } },
                { id: 'e', type: 'end' },
              ],
              transitions: [{ from: 'a', to: 'e' }],
            },
          },
        ],
        campaigns: undefined,
        dataLakeBuckets: ['acme-lake'],
        // The web console's files and CDK's copy function are not this test's (cdk/rules/console-site.test.ts).
        console: false,
      },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const t = Template.fromStack(s);
    // Only the channels' lake tables.
    expect(Object.values(t.findResources('AWS::Glue::Table')).map((x) => x.Properties.TableInput.Name)).toEqual([
      'orca_messages',
      'orca_optouts',
    ]);
    // Queries are planned at run time by the gate, from the catalog compiled into its bundle.
    expect(Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0]!.Properties.StateMachineName).toBe(
      'orca-lake',
    );
    const text = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(text).toContain(':database/lake');
    expect(text).toContain(':s3:::acme-lake/*');
    expect(() => app.synth()).not.toThrow();
  });

  it("a function's bundle, esbuild with the construct's options: ESM with a require for CommonJS, the SDK left to the runtime, the catalog compiled in", async () => {
    // CDK hands these options to esbuild for every function (`cdk synth`, which CI runs, bundles them all).
    const { build } = await import('esbuild');
    const o = orcaBundling(
      JSON.stringify({ tables: { customers: { glue: { database: 'lake', table: 'crm_customers' } } } }),
    );
    const out = await build({
      entryPoints: [join(root, 'lambdas/entry/gate.ts')],
      outfile: join(root, 'cdk.out/bundle-test/index.mjs'),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      target: o.target,
      minify: o.minify,
      sourcemap: o.sourceMap,
      external: o.externalModules,
      define: o.define,
      banner: { js: o.banner },
      logLevel: 'silent',
    });
    const code = out.outputFiles.find((f) => f.path.endsWith('index.mjs'))!.text;
    expect(code.startsWith(o.banner)).toBe(true);
    expect(code).toContain('crm_customers');
    expect(code).toMatch(/from"@aws-sdk\/client-athena"/);
    expect(out.outputFiles.some((f) => f.path.endsWith('index.mjs.map'))).toBe(true);
  }, 60_000);
});
