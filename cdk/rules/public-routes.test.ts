/**
 * The public routes recipients follow from their messages (unsubscribe page and RFC 8058 one-click
 * POST, open pixel, click redirect): no authorization (the signed token is the capability), their
 * own throttling per route ("Amazon API Gateway Developer Guide — Throttling requests to your HTTP
 * APIs": route-level settings override the stage's default), served by the API function; every
 * other request still takes IAM authorization (SigV4).
 */
import { describe, expect, it } from 'vitest';
import { orcaTemplate, resourcesOf } from './template.js';

const PUBLIC = ['GET /u/{token}', 'POST /u/{token}', 'GET /o/{token}', 'GET /c/{token}'];

describe('public routes', () => {
  it('exactly the four public route keys have no authorization; the default route takes AWS_IAM', () => {
    const routes = resourcesOf(orcaTemplate().template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const open = routes.filter((r) => r.AuthorizationType === 'NONE').map((r) => r.RouteKey);
    // And the web console's CORS preflight (cdk/rules/console-site.test.ts).
    expect(open.sort()).toEqual([...PUBLIC, 'OPTIONS /{proxy+}'].sort());
    expect(routes.filter((r) => r.AuthorizationType !== 'NONE')).toEqual([
      expect.objectContaining({ RouteKey: '$default', AuthorizationType: 'AWS_IAM' }),
    ]);
  });

  it('they go to the API function (the same integration as the rest of the API)', () => {
    const { template } = orcaTemplate();
    const integrations = Object.fromEntries(
      resourcesOf(template, 'AWS::ApiGatewayV2::Integration').map(([id, i]) => [id, i.Properties]),
    );
    for (const [, r] of resourcesOf(template, 'AWS::ApiGatewayV2::Route')) {
      const target = r.Properties.Target['Fn::Join'][1][1].Ref as string;
      expect(JSON.stringify(integrations[target]!.IntegrationUri)).toMatch(/OrcaApiHandler[0-9A-F]{8}/);
    }
  });

  it('each public route is throttled at 50 requests per second (bursts of 100); the stage default stays 20/40', () => {
    const stage = resourcesOf(orcaTemplate().template, 'AWS::ApiGatewayV2::Stage')[0]![1].Properties;
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(stage.RouteSettings).toEqual(
      Object.fromEntries(PUBLIC.map((k) => [k, { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }])),
    );
  });

  it('the send function’s links point at the API, built from the API id (no dependency on the stage or the routes: no cycle)', () => {
    const { template } = orcaTemplate();
    const [apiId] = resourcesOf(template, 'AWS::ApiGatewayV2::Api')[0]!;
    const send = resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('OrcaChannelsSend'))![1];
    expect(send.Properties.Environment.Variables.ORCA_PUBLIC_URL).toEqual({
      'Fn::Join': [
        '',
        ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/'],
      ],
    });
  });
});
