/**
 * The one door to orca's HTTP API. Every request of the console goes through `api()`, so that the
 * cloud console can sign them (SigV4 with Cognito credentials) by configuring `sign` here alone.
 */
export interface ApiConfig {
  /** Where the API answers: '' for the origin that served the console (`orca serve`). */
  base: string;
  /** Adds credentials to a request before it is sent (the cloud console). */
  sign?: (request: Request) => Promise<Request>;
}

let config: ApiConfig = { base: '' };

export function configureApi(next: ApiConfig): void {
  config = next;
}

/** A refusal or failure of the API, with its message (shown where it happened) and details. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface CallOptions {
  body?: unknown;
  /** The body as YAML text (a working copy from the editor). */
  yaml?: string;
  signal?: AbortSignal;
  /** The answer is text, returned as it is (a CSV download). */
  text?: boolean;
}

export async function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    body = options.yaml;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let request = new Request(`${config.base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (config.sign) request = await config.sign(request);
  let response: Response;
  try {
    response = await fetch(request);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiFailure(
      0,
      'unreachable',
      config.base
        ? `the orca API does not answer (${config.base})`
        : `the orca API does not answer (${location.origin}): is \`orca serve\` running?`,
    );
  }
  const text = await response.text();
  if (options.text && response.ok) return text as T;
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiFailure(
      response.status,
      'bad_response',
      `the API answered ${response.status} with a body that is not JSON`,
    );
  }
  if (!response.ok) {
    const e = (parsed ?? {}) as { error?: string; message?: string; details?: unknown };
    // API Gateway's own refusal of a signed request (IAM): the user's console role does not allow it.
    if (response.status === 403 && config.sign && !e.error)
      throw new ApiFailure(
        403,
        'forbidden',
        `your console role does not allow ${method} ${path} (viewers view, operators also run, editors also change campaigns)`,
      );
    throw new ApiFailure(
      response.status,
      e.error ?? 'error',
      e.message ?? `the API answered ${response.status}`,
      e.details,
    );
  }
  return parsed as T;
}

/** The message to show for any error a call raised. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
