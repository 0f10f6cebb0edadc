/**
 * Reads a secret's string from AWS Secrets Manager (the link secret, ORCA_LINK_SECRET_ARN): one
 * GetSecretValue call, signed with SigV4 from the function's credentials ("AWS Secrets Manager API
 * Reference — GetSecretValue": POST, X-Amz-Target secretsmanager.GetSecretValue, JSON 1.1,
 * `{ SecretId }` -> `{ SecretString }`). The Secrets Manager client is not among orca's
 * dependencies; the request is small enough to make with the signer the CLI already uses.
 * AWS_ENDPOINT_URL_SECRETS_MANAGER overrides the endpoint, as the SDKs do.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export async function secretString(
  secretId: string,
  options: { region: string; credentials?: Credentials; endpoint?: string },
): Promise<string> {
  const endpoint = new URL(
    options.endpoint ??
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ??
      `https://secretsmanager.${options.region}.amazonaws.com`,
  );
  const body = JSON.stringify({ SecretId: secretId });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: '/',
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const r = await fetch(new URL('/', endpoint), {
    method: 'POST',
    headers: signed.headers as Record<string, string>,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`reading the secret ${secretId} failed: HTTP ${r.status} ${text.slice(0, 300)}`);
  const value = (JSON.parse(text) as { SecretString?: unknown }).SecretString;
  if (typeof value !== 'string' || !value) throw new Error(`the secret ${secretId} has no SecretString`);
  return value;
}
