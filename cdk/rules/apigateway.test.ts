/** API Gateway's documented rules, checked on the synthesized template. */
import { describe, expect, it } from 'vitest';
import { orcaTemplate, resourcesOf } from './template.js';

/**
 * "Amazon API Gateway Developer Guide — Customizing HTTP API access logs": the variables an HTTP API
 * access log format may use (REST-API-only variables such as $context.resourcePath are not among them).
 * `*` stands for a property name.
 */
const HTTP_API_LOGGING_VARIABLES = [
  'accountId',
  'apiId',
  'authorizer.claims.*',
  'authorizer.error',
  'authorizer.*',
  'awsEndpointRequestId',
  'awsEndpointRequestId2',
  'customDomain.basePathMatched',
  'dataProcessed',
  'domainName',
  'domainPrefix',
  'error.message',
  'error.messageString',
  'error.responseType',
  'extendedRequestId',
  'httpMethod',
  'identity.accountId',
  'identity.caller',
  'identity.cognitoAuthenticationProvider',
  'identity.cognitoAuthenticationType',
  'identity.cognitoIdentityId',
  'identity.cognitoIdentityPoolId',
  'identity.principalOrgId',
  'identity.clientCert.clientCertPem',
  'identity.clientCert.subjectDN',
  'identity.clientCert.issuerDN',
  'identity.clientCert.serialNumber',
  'identity.clientCert.validity.notBefore',
  'identity.clientCert.validity.notAfter',
  'identity.sourceIp',
  'identity.user',
  'identity.userAgent',
  'identity.userArn',
  'integration.error',
  'integration.integrationStatus',
  'integration.latency',
  'integration.requestId',
  'integration.status',
  'integrationErrorMessage',
  'integrationLatency',
  'integrationStatus',
  'path',
  'protocol',
  'requestId',
  'requestTime',
  'requestTimeEpoch',
  'responseLatency',
  'responseLength',
  'routeKey',
  'stage',
  'status',
];

const allowed = (variable: string) =>
  HTTP_API_LOGGING_VARIABLES.some((v) =>
    v.endsWith('.*')
      ? variable.startsWith(v.slice(0, -1)) && !variable.slice(v.length - 1).includes('.')
      : v === variable,
  );

/** The $context.* variables a format uses. */
const contextVariables = (format: string): string[] =>
  [...format.matchAll(/\$context\.([A-Za-z0-9_.]+[A-Za-z0-9_])/g)].map((m) => m[1]!);

describe('Amazon API Gateway Developer Guide — Customizing HTTP API access logs', () => {
  it('the list itself refuses REST-only variables', () => {
    expect(allowed('resourcePath')).toBe(false);
    expect(allowed('requestId')).toBe(true);
    expect(allowed('authorizer.claims.username')).toBe(true);
  });

  it('every stage access log format uses HTTP API logging variables only', () => {
    const stages = resourcesOf(orcaTemplate().template, 'AWS::ApiGatewayV2::Stage');
    expect(stages.length).toBeGreaterThan(0);
    for (const [id, s] of stages) {
      const format = s.Properties.AccessLogSettings?.Format;
      expect(typeof format, `${id}: an explicit format`).toBe('string');
      const used = contextVariables(format);
      expect(used).toContain('requestId');
      expect(
        used.filter((v) => !allowed(v)),
        id,
      ).toEqual([]);
    }
  });
});
