/**
 * API Gateway (HTTP API, payload 2.0, IAM authorization) to the router and back. The caller's IAM
 * principal is the actor written to run logs.
 */
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiRequest, ApiResponse } from './router.js';

export function requestOf(event: APIGatewayProxyEventV2WithIAMAuthorizer): ApiRequest {
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  const iam = event.requestContext.authorizer?.iam;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
    headers: Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body,
    actor: iam?.userArn ?? iam?.userId ?? 'api',
  };
}

export function resultOf(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: response.isBase64Encoded ?? false,
  };
}
