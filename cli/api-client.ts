/**
 * The CLI's client of the HTTP API: the local server by default, or a deployed endpoint, whose
 * requests are signed with AWS Signature V4 (IAM authorisation) from the usual credential chain.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { CliError } from './output.js';
import { isLoopbackHost } from '../lambdas/util/net.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7777';

export function endpointOf(option?: string): { url: string; explicit: boolean } {
  const url = option ?? process.env.ORCA_ENDPOINT;
  return { url: (url ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''), explicit: Boolean(url) };
}

export class ServerUnreachable extends CliError {}

export class ApiClient {
  private signer?: SignatureV4;

  constructor(readonly endpoint: string) {
    const url = new URL(endpoint);
    if (!isLoopbackHost(url.hostname)) {
      const region =
        /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ??
        process.env.AWS_REGION ??
        process.env.AWS_DEFAULT_REGION;
      if (!region) throw new CliError(`cannot tell the AWS region of ${endpoint}; set AWS_REGION`, 2);
      this.signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
    }
  }

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: T }> {
    const url = new URL(`${this.endpoint}${path}`);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    let headers: Record<string, string> = {
      host: url.host,
      accept: 'application/json',
      ...(payload !== undefined ? { 'content-type': contentType } : {}),
    };
    if (this.signer) {
      const signed = await this.signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
      headers = signed.headers as Record<string, string>;
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    } catch (e) {
      throw new ServerUnreachable(
        `no orca server answers at ${this.endpoint} (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}); start one with \`npx orca serve\`, or pass --endpoint`,
        2,
      );
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
    return { status: response.status, body: parsed };
  }

  /** Calls and returns the body, turning an API error into a CLI error (exit 1). */
  async ok<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const r = await this.call<T | ApiErrorBody | undefined>(method, path, body, contentType);
    if (r.status >= 400) {
      const e = r.body as ApiErrorBody | undefined;
      const details = Array.isArray(e?.details)
        ? `\n${(e.details as Array<Record<string, unknown>>).map((d) => `  ${Object.values(d).filter(Boolean).join(' ')}`).join('\n')}`
        : '';
      throw new CliError(`${e?.message ?? `HTTP ${r.status}`}${details}`, r.status >= 500 ? 2 : 1);
    }
    return r.body as T;
  }
}

/** What the API answers with an error status. */
interface ApiErrorBody {
  error?: string;
  message?: string;
  details?: unknown;
}
