/**
 * The Cognito hosted UI's OAuth 2.0 endpoints ("Amazon Cognito Developer Guide — User pool
 * endpoints"): /oauth2/authorize (the sign-in page, code with PKCE), /oauth2/token (the code, then
 * the refresh token, exchanged for tokens: a form POST, no client secret), /logout.
 */
import type { CloudConfig } from './config.js';

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string | undefined;
  /** When the ID token expires (ms since the epoch). */
  expiresAt: number;
}

export class SignInFailed extends Error {}

type HostedUi = Pick<CloudConfig, 'cognitoDomain' | 'clientId' | 'redirectUri'>;

const endpoint = (config: HostedUi, path: string) => `${config.cognitoDomain.replace(/\/+$/, '')}${path}`;

export function authorizeUrl(config: HostedUi, state: string, challenge: string): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  return `${endpoint(config, '/oauth2/authorize')}?${q}`;
}

export function logoutUrl(config: HostedUi): string {
  const q = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
  return `${endpoint(config, '/logout')}?${q}`;
}

async function tokenRequest(
  config: HostedUi,
  form: Record<string, string>,
  fetcher: typeof fetch,
  now: () => number,
): Promise<Tokens> {
  let response: Response;
  try {
    response = await fetcher(endpoint(config, '/oauth2/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: config.clientId, ...form }).toString(),
    });
  } catch {
    throw new SignInFailed(`the sign-in service does not answer (${config.cognitoDomain})`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.id_token !== 'string' || typeof body.access_token !== 'string')
    throw new SignInFailed(
      `sign-in refused (${response.status}${typeof body.error === 'string' ? `: ${body.error}` : ''})`,
    );
  return {
    idToken: body.id_token,
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: now() + Number(body.expires_in ?? 3600) * 1000,
  };
}

/** The authorization code (and the PKCE verifier it was asked with) for tokens. */
export function exchangeCode(
  config: HostedUi,
  code: string,
  verifier: string,
  fetcher: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<Tokens> {
  return tokenRequest(
    config,
    { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri, code_verifier: verifier },
    fetcher,
    now,
  );
}

/** New ID and access tokens for a refresh token (which Cognito does not renew: it is kept). */
export async function refreshTokens(
  config: HostedUi,
  refreshToken: string,
  fetcher: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<Tokens> {
  const tokens = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: refreshToken }, fetcher, now);
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}
