/**
 * Where the console is: `config.json` next to index.html, written at deploy by the CDK construct
 * (cdk/constructs/console-deployment.ts writes the same keys). Without it (`orca serve`, which
 * answers index.html for every /ui/ path) the console calls its own origin's API, unsigned.
 */
export interface CloudConfig {
  /** The HTTP API (https://<id>.execute-api.<region>.amazonaws.com/). */
  apiUrl: string;
  region: string;
  userPoolId: string;
  /** The app client (authorization code with PKCE, no secret). */
  clientId: string;
  identityPoolId: string;
  /** The hosted UI: https://<prefix>.auth.<region>.amazoncognito.com. */
  cognitoDomain: string;
  /** The app client's callback URL: the console's /ui/ on CloudFront. */
  redirectUri: string;
}

const KEYS: Array<keyof CloudConfig> = [
  'apiUrl',
  'region',
  'userPoolId',
  'clientId',
  'identityPoolId',
  'cognitoDomain',
  'redirectUri',
];

/** A deployment's config, or undefined when the value is not one (every key a non-empty string, URLs https). */
export function parseConfig(value: unknown): CloudConfig | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (!KEYS.every((k) => typeof v[k] === 'string' && v[k] !== '')) return undefined;
  const urls = [v.apiUrl, v.cognitoDomain, v.redirectUri] as string[];
  if (!urls.every((u) => u.startsWith('https://'))) return undefined;
  return Object.fromEntries(KEYS.map((k) => [k, v[k]])) as unknown as CloudConfig;
}

/** Reads config.json beside the page (`base`: the app's base path, /ui/); undefined when there is none. */
export async function loadConfig(base: string, fetcher: typeof fetch = fetch): Promise<CloudConfig | undefined> {
  let response: Response;
  try {
    response = await fetcher(`${base}config.json`, { headers: { accept: 'application/json' } });
  } catch {
    return undefined;
  }
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    return parseConfig(await response.json());
  } catch {
    return undefined;
  }
}
