/**
 * `orca doctor`: checks the pieces of a deployment one by one, and runs a tiny campaign through its
 * API, saying for each failure what is wrong and what to do; with the deployment's sending
 * identities, checks those too (doctor-channels.ts). Against a local `orca serve`, only the
 * API and the campaign are checked (there is no AWS to look at).
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Catalog } from '../lambdas/catalog/catalog.js';
import { athenaResultsLocation } from '../lambdas/layout.js';
import { hasEnded } from '../statemachines/lifecycle.js';
import type { ApiClient } from './api-client.js';
import { type Check, check, must } from './checks.js';
import { type ChannelIdentities, type ChannelTarget, channelChecks, channelTarget } from './doctor-channels.js';

export type { Check };

export interface AwsTarget {
  region: string;
  workGroup: string;
  database: string;
  /** The data bucket (the stack's DataBucket output); the bucket checks are skipped without it. */
  bucket?: string | undefined;
  athena: AthenaClient;
  glue: GlueClient;
  s3: S3Client;
  /** The sending identities to check (doctor-channels.ts); none given, none checked. */
  channels?: ChannelTarget | undefined;
}

export interface DoctorOptions {
  api: ApiClient;
  catalog: Catalog;
  aws?: AwsTarget | undefined;
  /** How long the tiny query and the tiny campaign may take. */
  timeoutMs?: number;
  /** Between two looks at a query or a run. */
  pollMs?: number;
}

/** The id of the campaign the doctor creates, runs in test mode and deletes. */
export const DOCTOR_CAMPAIGN = 'orca-doctor';

export function awsTarget(o: {
  region: string;
  workGroup: string;
  database: string;
  bucket?: string | undefined;
  channels?: ChannelIdentities;
}): AwsTarget {
  const { channels, ...rest } = o;
  return {
    ...rest,
    athena: new AthenaClient({ region: o.region }),
    glue: new GlueClient({ region: o.region }),
    s3: new S3Client({ region: o.region }),
    ...(channels && Object.values(channels).some(Boolean) ? { channels: channelTarget(o.region, channels) } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDoctor(o: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const api = await check(
    'API',
    async () => {
      const r = await o.api.call<{ openapi?: string; info?: { version?: string } }>('GET', '/openapi.json');
      must(r.status === 200 && r.body?.openapi?.startsWith('3.'), `GET /openapi.json answered ${r.status}`);
      return `${o.api.endpoint} answers (orca ${r.body?.info?.version ?? '?'})`;
    },
    "check the endpoint (the stack's ApiUrl output) and that your credentials may call it (execute-api:Invoke)",
  );
  checks.push(api);
  if (o.aws) checks.push(...(await awsChecks(o.aws, o)));
  if (api.ok) checks.push(await campaignCheck(o));
  return checks;
}

async function awsChecks(aws: AwsTarget, o: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check(
      'Athena workgroup',
      async () => {
        const wg = (await aws.athena.send(new GetWorkGroupCommand({ WorkGroup: aws.workGroup }))).WorkGroup;
        must(wg, `no workgroup ${aws.workGroup}`);
        must(wg.State === 'ENABLED', `workgroup ${aws.workGroup} is ${wg.State}`);
        const c = wg.Configuration ?? {};
        const engine = c.EngineVersion?.EffectiveEngineVersion ?? c.EngineVersion?.SelectedEngineVersion ?? '';
        must(
          engine.includes('3'),
          `workgroup ${aws.workGroup} runs ${engine || 'an unknown engine'}, not engine version 3`,
        );
        // Amazon Athena User Guide, CREATE TABLE AS: a workgroup that enforces its results location
        // refuses a CTAS that sets external_location, which every orca work table does.
        must(
          c.EnforceWorkGroupConfiguration !== true,
          `workgroup ${aws.workGroup} overrides client-side settings: Athena refuses orca's CTAS statements (their external_location)`,
        );
        return `${aws.workGroup}: enabled, ${engine}, client-side settings allowed`;
      },
      'deploy orca again (cdk deploy) to restore the workgroup it creates, or pass --workgroup',
    ),
  );
  checks.push(
    await check(
      'Glue database',
      async () => {
        await aws.glue.send(new GetDatabaseCommand({ Name: aws.database }));
        return aws.database;
      },
      'deploy orca (cdk deploy) to create its Glue database, or pass --database',
    ),
  );
  for (const t of o.catalog.tables.values()) {
    const where = t.glue ?? { database: aws.database, table: t.name };
    checks.push(
      await check(
        `Glue table ${t.name}`,
        async () => {
          const table = (await aws.glue.send(new GetTableCommand({ DatabaseName: where.database, Name: where.table })))
            .Table;
          return `${where.database}.${where.table} over ${table?.StorageDescriptor?.Location ?? 'an unknown location'}`;
        },
        t.glue
          ? `the catalog says ${t.name} is ${where.database}.${where.table}: create it, or fix the catalog's glue setting`
          : `deploy orca with this catalog (cdk deploy -c orca:catalog=...), or pass the deployment's --catalog`,
      ),
    );
  }
  if (aws.bucket) {
    const bucket = aws.bucket;
    checks.push(
      await check(
        'data bucket',
        async () => {
          await aws.s3.send(new HeadBucketCommand({ Bucket: bucket }));
          return bucket;
        },
        "pass the stack's DataBucket output as --bucket, with credentials that may read it",
      ),
    );
  }
  if (aws.channels) checks.push(...(await channelChecks(aws.channels)));
  checks.push(
    await check(
      'a query',
      async () => {
        const started = await aws.athena.send(
          new StartQueryExecutionCommand({
            QueryString: 'SELECT 1',
            WorkGroup: aws.workGroup,
            QueryExecutionContext: { Database: aws.database },
            ...(aws.bucket
              ? {
                  ResultConfiguration: {
                    OutputLocation: athenaResultsLocation(aws.bucket),
                    EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
                  },
                }
              : {}),
          }),
        );
        const id = started.QueryExecutionId;
        must(id, 'Athena gave no query execution id');
        const deadline = Date.now() + (o.timeoutMs ?? 120_000);
        for (;;) {
          const status = (await aws.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution
            ?.Status;
          if (status?.State === 'SUCCEEDED') return `SELECT 1 ran in ${aws.workGroup} (${id})`;
          must(status?.State !== 'FAILED' && status?.State !== 'CANCELLED', status?.StateChangeReason ?? 'failed');
          must(Date.now() < deadline, `SELECT 1 did not finish in time (${status?.State})`);
          await sleep(o.pollMs ?? 1000);
        }
      },
      'read the reason above: Athena permissions, the workgroup, or the results location (pass --bucket)',
    ),
  );
  return checks;
}

/** A one-activity campaign over the catalog's first table, run in test mode through the API, then deleted. */
async function campaignCheck(o: DoctorOptions): Promise<Check> {
  const dimension = o.catalog.tableNames[0];
  const doc = {
    id: DOCTOR_CAMPAIGN,
    label: 'orca doctor: a tiny campaign',
    dimension,
    activities: [
      {
        id: 'nobody',
        type: 'buildAudience',
        query: { attribute: o.catalog.table(dimension ?? '')?.primaryKey, operator: 'isEmpty' },
      },
      { id: 'done', type: 'end' },
    ],
    transitions: [{ from: 'nobody', to: 'done' }],
  };
  const result = await check(
    'a campaign',
    async () => {
      must(dimension, 'the catalog has no table');
      await o.api.call('DELETE', `/campaigns/${DOCTOR_CAMPAIGN}`);
      const created = await o.api.call<{ message?: string; validation?: { errors?: Array<{ message: string }> } }>(
        'POST',
        '/campaigns',
        doc,
      );
      must(
        created.status === 201,
        `creating ${DOCTOR_CAMPAIGN} answered ${created.status}: ${created.body?.message ?? ''}`,
      );
      const problems = created.body?.validation?.errors ?? [];
      must(problems.length === 0, `the deployment's catalog refuses the campaign: ${problems[0]?.message ?? ''}`);
      const started = await o.api.call<{ runId?: string; message?: string }>(
        'POST',
        `/campaigns/${DOCTOR_CAMPAIGN}/runs`,
        { testMode: true },
      );
      const runId = started.body?.runId;
      must(started.status === 202 && runId, `starting it answered ${started.status}: ${started.body?.message ?? ''}`);
      const deadline = Date.now() + (o.timeoutMs ?? 120_000);
      for (;;) {
        const run = (await o.api.call<{ status: string; error?: string }>('GET', `/runs/${runId}`)).body;
        if (hasEnded(run.status)) {
          must(run.status === 'completed', `run ${runId} ${run.status}${run.error ? `: ${run.error}` : ''}`);
          return `run ${runId} of ${DOCTOR_CAMPAIGN} completed in test mode`;
        }
        must(Date.now() < deadline, `run ${runId} is still ${run.status}`);
        await sleep(o.pollMs ?? 1000);
      }
    },
    `read the run's log (orca logs RUN) for the failing step; pass --catalog with the deployment's catalog`,
  );
  await o.api.call('DELETE', `/campaigns/${DOCTOR_CAMPAIGN}`).catch(() => undefined);
  return result;
}
