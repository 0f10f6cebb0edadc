/**
 * Lambda: the orca HTTP API behind API Gateway (IAM authorization). The same router and campaign
 * service as `orca serve`; publishing and running go through the cloud platform (Step Functions
 * machine versions, EventBridge Scheduler).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CloudPlatform } from '../adapters/cloud-platform.js';
import { CampaignService } from '../api/service.js';
import { handle } from '../api/router.js';
import { requestOf, resultOf } from '../api/apigateway.js';
import { newRunId } from '../orchestrator/run-id.js';
import { awsDeps, awsLocation, env, logger, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';

const deps = awsDeps(QUERY_LIMITS.api);
const service = new CampaignService({
  store: deps.store,
  engine: deps.engine,
  catalog: deps.catalog,
  dialect: deps.engine.dialect,
  newRunId,
  platform: new CloudPlatform({
    sfn: deps.sfn,
    scheduler: new SchedulerClient({}),
    athena: new AthenaClient({}),
    lambda: new LambdaClient({}),
    store: deps.store,
    ...awsLocation(),
    machineRoleArn: env('ORCA_MACHINE_ROLE'),
    schedulerRoleArn: env('ORCA_SCHEDULER_ROLE'),
    logGroupArn: env('ORCA_MACHINE_LOGS'),
    functions: {
      control: env('ORCA_CONTROL_FUNCTION'),
      gate: env('ORCA_GATE_FUNCTION'),
      record: env('ORCA_RECORD_FUNCTION'),
    },
    workGroup: env('ORCA_WORKGROUP'),
    database: env('ORCA_DATABASE'),
    bucket: env('ORCA_BUCKET'),
  }),
});

export const handler = middy<APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2>(
  async (event: APIGatewayProxyEventV2WithIAMAuthorizer) => {
    const request = requestOf(event);
    const response = await handle(service, request, (e) =>
      logger.error('request failed', { method: request.method, path: request.path, error: e as Error }),
    );
    return resultOf(response);
  },
);
for (const m of middlewares)
  handler.use(m as MiddlewareObj<APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2>);
