/**
 * The API and register Lambda entry points as deployed: configured from exactly the environment
 * the CDK gives each (cdk/orca.test.ts checks those lists), with the real SDK clients pointed at
 * dynalite (AWS_ENDPOINT_URL_DYNAMODB), and CloudFormation's response URL served on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, TABLE, type LocalDynamo } from '../../runtime/dynalite.js';
import { tinyCatalogDoc } from '../../test/fixtures/tiny.js';
import { DynamoDbStore } from '../adapters/dynamodb-store.js';

let dynamo: LocalDynamo;
let cfn: Server;
let cfnUrl: string;
const responses: unknown[] = [];

const savedEnv = { ...process.env };

/** What every function gets (orcaFunction), then what the register and API functions add. */
const COMMON = () => ({ ORCA_TABLE: TABLE, ORCA_ACCOUNT: '123456789012', ORCA_PARTITION: 'aws' });
const API_ENV = {
  ORCA_BUCKET: 'orca-data',
  ORCA_DATABASE: 'orca',
  ORCA_WORKGROUP: 'orca',
  ORCA_MACHINE_ROLE: 'arn:aws:iam::123456789012:role/machines',
  ORCA_SCHEDULER_ROLE: 'arn:aws:iam::123456789012:role/scheduler',
  ORCA_MACHINE_LOGS: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/orca-api:*',
  ORCA_CONTROL_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:control',
  ORCA_GATE_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:gate',
  ORCA_RECORD_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:record',
  ORCA_SEND_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:send',
  ORCA_IMPORT_MACHINE: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca_imports',
  ORCA_EXPORT_MACHINE: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca_exports',
  ORCA_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:OrcaLinkSecret-AbCdEf',
};

/** The Lambda environment: the runtime's own variables plus the function's. */
function lambdaEnvironment(own: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('ORCA_')) delete process.env[k];
  Object.assign(
    process.env,
    {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
    },
    own,
  );
}

beforeAll(async () => {
  dynamo = await startDynalite();
  cfn = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      responses.push({ method: req.method, body: JSON.parse(body) });
      res.end();
    });
  });
  await new Promise<void>((r) => cfn.listen(0, '127.0.0.1', r));
  cfnUrl = `http://127.0.0.1:${(cfn.address() as AddressInfo).port}/response`;
});
afterAll(async () => {
  process.env = savedEnv;
  await new Promise((r) => cfn.close(r));
  await dynamo.close();
});

const definition = {
  id: 'deployed',
  label: 'Deployed',
  dimension: 'recipients',
  activities: [
    { id: 'a', type: 'buildAudience' },
    { id: 'e', type: 'end' },
  ],
  transitions: [{ from: 'a', to: 'e' }],
};

describe('register entry', () => {
  it('records the campaign and answers CloudFormation with a PUT', async () => {
    lambdaEnvironment(COMMON());
    const { handler } = await import('./register.js');
    await handler({
      RequestType: 'Create',
      ResponseURL: cfnUrl,
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'L',
      ResourceProperties: {
        Definition: JSON.stringify(definition),
        Machine: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-deployed',
      },
    });
    expect(responses.at(-1)).toEqual({
      method: 'PUT',
      body: {
        Status: 'SUCCESS',
        PhysicalResourceId: 'campaign:deployed',
        Data: { Version: '1' },
        StackId: 's',
        RequestId: 'r',
        LogicalResourceId: 'L',
      },
    });
  });
});

describe('api entry', () => {
  it('serves the API from an API Gateway event, with the caller as actor', async () => {
    const { registerCodeCampaign } = await import('../api/code-campaigns.js');
    await registerCodeCampaign(new DynamoDbStore(dynamo.client, TABLE), {
      definition,
      machine: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-deployed',
    });
    // The catalog is compiled into the bundle (ORCA_CATALOG); unbundled, it comes from the environment.
    lambdaEnvironment({ ...COMMON(), ...API_ENV, ORCA_CATALOG_JSON: JSON.stringify(tinyCatalogDoc) });
    const { handler } = await import('./api.js');
    const event = {
      version: '2.0',
      rawPath: '/campaigns',
      rawQueryString: 'q=deployed',
      headers: {},
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/campaigns' },
        authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/m' } },
      },
    };
    const r = (await handler(event as never, { functionName: 'api', awsRequestId: 'x' } as never)) as {
      statusCode: number;
      body: string;
    };
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toEqual([
      expect.objectContaining({ id: 'deployed', source: 'code', status: 'live', version: 1 }),
    ]);
    const refused = (await handler(
      {
        ...event,
        rawPath: '/campaigns/deployed',
        rawQueryString: '',
        requestContext: { ...event.requestContext, http: { method: 'DELETE', path: '/campaigns/deployed' } },
      } as never,
      { functionName: 'api', awsRequestId: 'y' } as never,
    )) as { statusCode: number };
    expect(refused.statusCode).toBe(409);
    // The web console's CORS preflight (route OPTIONS /{proxy+}, without authorization): 204, nothing else;
    // API Gateway adds the CORS headers ("Amazon API Gateway Developer Guide — Configure CORS for HTTP APIs").
    const preflight = await handler(
      {
        ...event,
        rawPath: '/campaigns/deployed/runs',
        rawQueryString: '',
        headers: { origin: 'https://d111111abcdef8.cloudfront.net', 'access-control-request-method': 'POST' },
        requestContext: { http: { method: 'OPTIONS', path: '/campaigns/deployed/runs' } },
      } as never,
      { functionName: 'api', awsRequestId: 'o' } as never,
    );
    expect(preflight).toEqual({ statusCode: 204, headers: {}, body: '', isBase64Encoded: false });
    // Run commands are logged with the IAM caller.
    const store = new DynamoDbStore(dynamo.client, TABLE);
    await store.createRun({
      runId: 'r-actor',
      campaignId: 'deployed',
      status: 'running',
      startedAt: '2026-11-22T10:00:00.000Z',
      testMode: false,
      variables: {},
    });
    const paused = (await handler(
      {
        ...event,
        rawPath: '/runs/r-actor/pause',
        rawQueryString: '',
        requestContext: { ...event.requestContext, http: { method: 'POST', path: '/runs/r-actor/pause' } },
      } as never,
      { functionName: 'api', awsRequestId: 'z' } as never,
    )) as { statusCode: number };
    expect(paused.statusCode).toBe(200);
    expect((await store.listLogs('r-actor', {}))[0]).toMatchObject({
      actor: 'arn:aws:iam::123456789012:user/m',
      message: expect.stringContaining('paused by arn:aws:iam::123456789012:user/m'),
    });
  });
});

describe('purge entry', () => {
  it('purges an old run of a campaign with exactly the environment the CDK gives it (Glue and S3 mocked)', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { GlueClient, GetTablesCommand, BatchDeleteTableCommand } = await import('@aws-sdk/client-glue');
    const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const glue = mockClient(GlueClient);
    glue.on(GetTablesCommand).resolves({
      TableList: [{ Name: 'w_old', StorageDescriptor: { Location: 's3://orca-data/work/deployed/r-old/a/' } }],
    });
    glue.on(BatchDeleteTableCommand).resolves({ Errors: [] });
    const s3 = mockClient(S3Client);
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const store = new DynamoDbStore(dynamo.client, TABLE);
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    for (const [runId, days] of [
      ['r-old', 60],
      ['r-last', 1],
    ] as const)
      await store.createRun({
        runId,
        campaignId: 'deployed',
        status: 'completed',
        startedAt: ago(days),
        endedAt: ago(days),
        testMode: false,
        variables: {},
      });
    lambdaEnvironment({
      ...COMMON(),
      ORCA_BUCKET: 'orca-data',
      ORCA_DATABASE: 'orca',
      ORCA_WORKGROUP: 'orca',
      ORCA_RETENTION_DAYS: '30',
      ORCA_CATALOG_JSON: JSON.stringify(tinyCatalogDoc),
    });
    const { handler } = await import('./purge.js');
    const r = await handler({}, { functionName: 'purge', awsRequestId: 'p' } as never);
    expect(r.purged).toContain('r-old');
    expect(r.purged).not.toContain('r-last');
    expect((await store.getRun('r-old'))?.purged).toBe(true);
    expect(glue.commandCalls(BatchDeleteTableCommand)[0]!.args[0].input.TablesToDelete).toEqual(['w_old']);
    glue.restore();
    s3.restore();
  });
});

describe('events entry', () => {
  it('records an SES hard bounce from EventBridge: the counter in the table, the opt-out in the bucket (S3 mocked)', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'MSG#ev1', sk: 'MSG', campaignId: 'deployed', runId: 'r-ev', activityId: 'mail', status: 'sent' },
      }),
    );
    lambdaEnvironment({ ...COMMON(), ORCA_BUCKET: 'orca-data' });
    const { handler } = await import('./events.js');
    const bounce = {
      source: 'aws.ses',
      'detail-type': 'Email Bounced',
      detail: {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bouncedRecipients: [{ emailAddress: 'gone@example.com' }],
          timestamp: '2026-12-01T09:00:00.000Z',
        },
        mail: { timestamp: '2026-12-01T08:59:00.000Z', tags: { orca_message: ['ev1'], orca_run: ['r-ev'] } },
      },
    };
    const r = await handler(bounce, { functionName: 'events', awsRequestId: 'e' } as never);
    expect(r).toEqual({ recorded: 1, duplicates: 0, ignored: 0, optOuts: 1 });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Bucket).toBe('orca-data');
    expect(put.Key).toMatch(/^channels\/optouts\/channel=email\/day=2026-12-01\/[0-9a-f-]{36}\.jsonl$/);
    expect(JSON.parse(String(put.Body))).toMatchObject({ address: 'gone@example.com', reason: 'bounced' });
    const { DynamoDbReportStore } = await import('../adapters/dynamodb-report.js');
    expect(await new DynamoDbReportStore(dynamo.client, TABLE).counters('deployed', 'r-ev')).toEqual([
      { runId: 'r-ev', activityId: 'mail', bounced: 1 },
    ]);
    // A foreign event is ignored, not thrown.
    expect(await handler({ source: 'aws.ec2' }, { functionName: 'events', awsRequestId: 'f' } as never)).toMatchObject({
      ignored: 1,
    });
    s3.restore();
  });
});

describe('api entry, public routes', () => {
  it('answers the open pixel (base64 for API Gateway) with the link secret read from Secrets Manager', async () => {
    const { signToken } = await import('../channels/links.js');
    const secretsManager = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ SecretString: 'a-cloud-link-secret-of-32-characters!' })));
    });
    await new Promise<void>((r) => secretsManager.listen(0, '127.0.0.1', r));
    lambdaEnvironment({
      ...COMMON(),
      ...API_ENV,
      ORCA_CATALOG_JSON: JSON.stringify(tinyCatalogDoc),
      ORCA_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orca-links',
    });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`;
    const { handler } = await import('./api.js');
    const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'MSG#px1', sk: 'MSG', campaignId: 'deployed', runId: 'r-px', activityId: 'mail', status: 'sent' },
      }),
    );
    const token = signToken('a-cloud-link-secret-of-32-characters!', { kind: 'open', messageId: 'px1' });
    const r = (await handler(
      {
        version: '2.0',
        rawPath: `/o/${token}`,
        rawQueryString: '',
        headers: { origin: 'https://mail.example' },
        isBase64Encoded: false,
        requestContext: { http: { method: 'GET', path: `/o/${token}` } },
      } as never,
      { functionName: 'api', awsRequestId: 'o' } as never,
    )) as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };
    expect(r).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-type': 'image/gif' } });
    expect(Buffer.from(r.body, 'base64').subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const { DynamoDbReportStore } = await import('../adapters/dynamodb-report.js');
    expect(await new DynamoDbReportStore(dynamo.client, TABLE).counters('deployed', 'r-px')).toEqual([
      { runId: 'r-px', activityId: 'mail', opened: 1 },
    ]);
    await new Promise((r) => secretsManager.close(r));
  });
});

describe('send entry', () => {
  it('reads the link secret once, on the first chunk, again after a failure; a chunk of an unknown run fails naming it', async () => {
    let requests = 0;
    let failing = true;
    const secretsManager = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        if (failing) {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'ResourceNotFoundException' }));
        } else res.end(JSON.stringify({ SecretString: 'a-cloud-link-secret-of-32-characters!' }));
      });
    });
    await new Promise<void>((r) => secretsManager.listen(0, '127.0.0.1', r));
    // The send function's environment as the channels construct sets it (cdk/rules/channel-functions.test.ts).
    lambdaEnvironment({
      ...COMMON(),
      ORCA_BUCKET: 'orca-data',
      ORCA_DATABASE: 'orca',
      ORCA_WORKGROUP: 'orca',
      ORCA_CATALOG_JSON: JSON.stringify(tinyCatalogDoc),
      ORCA_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orca-links',
      ORCA_PUBLIC_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
      ORCA_SES_IDENTITY: 'example.com',
    });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`;
    const { handler } = await import('./send.js');
    const chunk = {
      step: 'chunk' as const,
      run: { runId: 'r-none', campaign: { id: 'deployed' } } as never,
      activity: 'mail',
      chunk: 0,
      location: 'work/deployed/r-none/mail',
    };
    const context = (id: string) =>
      ({ functionName: 'send', awsRequestId: id, getRemainingTimeInMillis: () => 900_000 }) as never;
    await expect(handler(chunk, context('s1'))).rejects.toThrow(/reading the secret .*orca-links failed: HTTP 400/);
    failing = false;
    for (const id of ['s2', 's3'])
      await expect(handler(chunk, context(id))).rejects.toThrow(
        "activity 'mail': its settings are not recorded with run r-none",
      );
    // One failed read, then one read for both invocations.
    expect(requests).toBe(2);
    await new Promise((r) => secretsManager.close(r));
  });
});
