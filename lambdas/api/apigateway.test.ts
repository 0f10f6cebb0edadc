/** The API Gateway adapter: a payload 2.0 event through the router to a Lambda result. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { requestOf, resultOf } from './apigateway.js';
import { handle } from './router.js';
import { startTestServer, waitingCampaign, type TestServer } from '../../test/helpers/server.js';

/** An event as API Gateway sends it (the shape of the AWS documentation's example). */
function event(
  method: string,
  rawPath: string,
  extra: Partial<APIGatewayProxyEventV2WithIAMAuthorizer> = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { 'Content-Type': 'application/json', host: 'abc.execute-api.eu-west-1.amazonaws.com' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'orca' },
      requestId: 'id',
      routeKey: '$default',
      stage: '$default',
      time: '22/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795255200000,
      authorizer: {
        iam: {
          accessKey: 'AKIA',
          accountId: '123456789012',
          callerId: 'AIDA',
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: 'arn:aws:iam::123456789012:user/marketer',
          userId: 'AIDA',
        },
      },
    },
    ...extra,
  } as APIGatewayProxyEventV2WithIAMAuthorizer;
}

describe('requestOf', () => {
  it('takes the method, path, query, lower-cased headers, the decoded body and the IAM caller', () => {
    const body = JSON.stringify({ id: 'x' });
    const r = requestOf(
      event('post', '/campaigns', {
        rawQueryString: 'status=live&q=a%20b',
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(r).toEqual({
      method: 'POST',
      path: '/campaigns',
      query: { status: 'live', q: 'a b' },
      headers: { 'content-type': 'application/json', host: 'abc.execute-api.eu-west-1.amazonaws.com' },
      body,
      actor: 'arn:aws:iam::123456789012:user/marketer',
    });
  });
});

describe('through the router', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ waitMs: 0 });
  });
  afterAll(() => t.close());

  it('answers with status, JSON headers and body; errors keep their status', async () => {
    const created = resultOf(
      await handle(
        t.server.service,
        requestOf(event('POST', '/campaigns', { body: JSON.stringify(waitingCampaign('gw-one', 0)) })),
      ),
    );
    expect(created).toMatchObject({
      statusCode: 201,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      isBase64Encoded: false,
    });
    expect(JSON.parse(created.body!)).toMatchObject({ id: 'gw-one', status: 'draft' });
    const missing = resultOf(await handle(t.server.service, requestOf(event('GET', '/campaigns/nope'))));
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body!)).toEqual({ error: 'not_found', message: "no campaign 'nope'" });
  });
});
