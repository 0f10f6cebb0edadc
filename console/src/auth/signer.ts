/**
 * Signs the console's requests with SigV4 (service execute-api) for the IAM-authorised API:
 * @smithy/signature-v4 with @aws-crypto/sha256-js, as the CLI signs (cli/api-client.ts). The body's
 * hash goes in x-amz-content-sha256, the session token in x-amz-security-token (both allowed by the
 * API's CORS). The browser sends Host itself (a forbidden header): the signature covers the URL's host.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './identity-pool.js';

export interface SignerOptions {
  region: string;
  /** Temporary credentials (their session token is signed as x-amz-security-token). */
  credentials: () => Promise<Pick<Credentials, 'accessKeyId' | 'secretAccessKey'> & Partial<Credentials>>;
  service?: string;
  /** Adds x-amz-content-sha256 (default true; AWS's test suite vectors go without). */
  applyChecksum?: boolean;
  /** The signing time (tests). */
  now?: () => Date;
}

export function requestSigner(options: SignerOptions): (request: Request) => Promise<Request> {
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
    credentials: async () => {
      const c = await options.credentials();
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
        ...(c.expiresAt ? { expiration: new Date(c.expiresAt) } : {}),
      };
    },
  });
  return async (request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().text();
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length > 1 ? values : values[0]!;
    }
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers,
        ...(body ? { body } : {}),
      },
      options.now ? { signingDate: options.now() } : {},
    );
    const outgoing = new Headers();
    for (const [key, value] of Object.entries(signed.headers)) if (key !== 'host') outgoing.set(key, String(value));
    return new Request(request.url, {
      method: request.method,
      headers: outgoing,
      signal: request.signal,
      ...(body ? { body } : {}),
    });
  };
}
