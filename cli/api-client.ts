/**
 * The CLI's client of the HTTP API: the local server by default, or a deployed endpoint, whose
 * requests are signed with AWS Signature V4 (IAM authorisation) from the usual credential chain.
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import { CliError } from './output.js';
import { isLoopbackHost } from '../lambdas/util/net.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7777';

/** --endpoint, else $ORCA_ENDPOINT, else the local server; a malformed URL is a usage error (exit 2). */
export function endpointOf(option?: string): { url: string; explicit: boolean } {
  const url = option ?? process.env.ORCA_ENDPOINT;
  const chosen = (url ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const from = option !== undefined ? '--endpoint' : '$ORCA_ENDPOINT';
  let parsed: URL;
  try {
    parsed = new URL(chosen);
  } catch {
    throw new CliError(`${from} takes a URL such as http://127.0.0.1:7777, got '${chosen.slice(0, 200)}'`, 2);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new CliError(`${from} takes an http:// or https:// URL, got '${chosen.slice(0, 200)}'`, 2);
  if (parsed.username || parsed.password || parsed.search || parsed.hash)
    throw new CliError(
      `${from} takes the API's base URL (no credentials, query or fragment), got '${chosen.slice(0, 200)}'`,
      2,
    );
  return { url: chosen, explicit: Boolean(url) };
}

/** How long a request may take before the CLI gives up on the server (a port held by something else). */
const REQUEST_TIMEOUT_MS = 30_000;

export class ServerUnreachable extends CliError {}

/**
 * The signer of a deployed API's requests, loaded when first needed: the SDK's credential chain
 * and SigV4 cost a local command (the local server, loopback) a tenth of a second to load for nothing.
 */
async function signerFor(region: string): Promise<SignatureV4> {
  const [{ SignatureV4 }, { Sha256 }, { defaultProvider }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-crypto/sha256-js'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  return new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
}

export class ApiClient {
  private readonly region?: string;
  private signer?: Promise<SignatureV4>;

  constructor(
    readonly endpoint: string,
    /** Give up after this long (a probe of the default local server is short). */
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    const url = new URL(endpointOf(endpoint).url);
    if (!isLoopbackHost(url.hostname)) {
      const region =
        /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ??
        process.env.AWS_REGION ??
        process.env.AWS_DEFAULT_REGION;
      if (!region) throw new CliError(`cannot tell the AWS region of ${endpoint}; set AWS_REGION`, 2);
      this.region = region;
    }
  }

  /**
   * Where a ticket's url points: an absolute URL as it is (a presigned S3 URL), a path relative to
   * the API's base URL (the local server's upload and download routes).
   */
  resolve(url: string): URL {
    return /^[a-z][a-z0-9+.-]*:/i.test(url)
      ? new URL(url)
      : new URL(`${this.endpoint}${url.startsWith('/') ? '' : '/'}${url}`);
  }

  /**
   * The headers of a request, signed (SigV4) when it goes to a signed API: the payload's hash is
   * signed, or for a streamed body (`streamed`) the payload is declared unsigned. A request to
   * another origin (a presigned S3 URL, signed in its query) keeps its headers.
   */
  async headersFor(
    method: string,
    url: URL,
    headers: Record<string, string>,
    payload?: string,
    streamed = false,
  ): Promise<Record<string, string>> {
    const all: Record<string, string> = { host: url.host, ...headers };
    if (!this.region || url.origin !== new URL(this.endpoint).origin) return all;
    this.signer ??= signerFor(this.region);
    const signed = await (await this.signer).sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: streamed ? { ...all, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : all,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    return signed.headers as Record<string, string>;
  }

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: T }> {
    const url = new URL(`${this.endpoint}${path}`);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers = await this.headersFor(
      method,
      url,
      { accept: 'application/json', ...(payload !== undefined ? { 'content-type': contentType } : {}) },
      payload,
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(payload !== undefined ? { body: payload } : {}),
      });
    } catch (e) {
      const reason =
        (e as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs / 1000} s`
          : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
      throw new ServerUnreachable(
        `no orca server answers at ${this.endpoint} (${reason}); start one with \`npx orca serve\`, or pass --endpoint`,
        2,
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      throw new ServerUnreachable(`the server at ${this.endpoint} broke off its answer (${(e as Error).message})`, 2);
    }
    if (!text) return { status: response.status, body: undefined as T };
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw new ServerUnreachable(
        `the server at ${this.endpoint} is not an orca API (HTTP ${response.status}, not JSON); check --endpoint`,
        2,
      );
    }
  }

  /** Calls and returns the body, turning an API error into a CLI error (exit 1). */
  async ok<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    return this.answer<T>(await this.call<T | ApiErrorBody | undefined>(method, path, body, contentType));
  }

  /** A call's body, or its error as a CliError (exit 1; 2 for the server's own failure). */
  answer<T>(r: { status: number; body: unknown }): T {
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
