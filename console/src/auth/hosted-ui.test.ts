/**
 * The hosted UI's endpoints as "Amazon Cognito Developer Guide — User pool endpoints" documents
 * them: /oauth2/authorize (response_type=code, code_challenge_method=S256), /oauth2/token (an
 * application/x-www-form-urlencoded POST; grant_type authorization_code with code_verifier and
 * redirect_uri, or refresh_token; a public client sends client_id and no secret), /logout (client_id, logout_uri).
 */
import { describe, expect, it } from 'vitest';
import { authorizeUrl, exchangeCode, logoutUrl, refreshTokens, SignInFailed } from './hosted-ui.js';

const config = {
  cognitoDomain: 'https://orca-123456789012-abcd1234.auth.eu-west-1.amazoncognito.com',
  clientId: '1example23456789',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/ui/',
};

/** A fetch that records its requests and answers with the given status and JSON. */
function recorder(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { calls, fetcher };
}

describe('Cognito user pool endpoints', () => {
  it('authorize: the code flow with the S256 challenge, back to the console', () => {
    const url = new URL(authorizeUrl(config, 'st4te', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
    expect(`${url.origin}${url.pathname}`).toBe(`${config.cognitoDomain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: 'openid email',
      state: 'st4te',
      code_challenge_method: 'S256',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
  });

  it('token: the code and its verifier in a form POST, no secret; the tokens and when the ID token expires', async () => {
    const { calls, fetcher } = recorder(200, {
      id_token: 'id.jwt',
      access_token: 'access.jwt',
      refresh_token: 'refresh',
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const tokens = await exchangeCode(
      config,
      'c0de',
      'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      fetcher,
      () => 1000,
    );
    expect(tokens).toEqual({
      idToken: 'id.jwt',
      accessToken: 'access.jwt',
      refreshToken: 'refresh',
      expiresAt: 3_601_000,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`${config.cognitoDomain}/oauth2/token`);
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(String(calls[0]!.init.body)))).toEqual({
      client_id: config.clientId,
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: config.redirectUri,
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
  });

  it('token: a refused code is a SignInFailed with Cognito’s error', async () => {
    const { fetcher } = recorder(400, { error: 'invalid_grant' });
    await expect(exchangeCode(config, 'old', 'v', fetcher)).rejects.toThrow(SignInFailed);
    await expect(exchangeCode(config, 'old', 'v', fetcher)).rejects.toThrow('sign-in refused (400: invalid_grant)');
  });

  it('refresh: grant_type refresh_token; the refresh token (not renewed by Cognito) is kept', async () => {
    const { calls, fetcher } = recorder(200, { id_token: 'id2', access_token: 'a2', expires_in: 3600 });
    const tokens = await refreshTokens(config, 'refresh', fetcher, () => 0);
    expect(tokens.refreshToken).toBe('refresh');
    expect(tokens.idToken).toBe('id2');
    expect(Object.fromEntries(new URLSearchParams(String(calls[0]!.init.body)))).toEqual({
      client_id: config.clientId,
      grant_type: 'refresh_token',
      refresh_token: 'refresh',
    });
  });

  it('logout: the client and the URL to come back to (an allowed sign-out URL of the client)', () => {
    const url = new URL(logoutUrl(config));
    expect(`${url.origin}${url.pathname}`).toBe(`${config.cognitoDomain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: config.clientId,
      logout_uri: config.redirectUri,
    });
  });
});
