/**
 * The session end to end with a fake browser (storage, URL, navigation) and a fake network answering
 * as the hosted UI and the identity pool do: off to sign in with a PKCE challenge, back with the code
 * (exchanged with that verifier), credentials renewed before they expire (with the refresh token once
 * the ID token has), signed requests, sign-out.
 */
import { describe, expect, it } from 'vitest';
import type { CloudConfig } from './config.js';
import { SignInFailed } from './hosted-ui.js';
import { codeChallenge } from './pkce.js';
import { type SessionEnv, startSession } from './session.js';

const config: CloudConfig = {
  apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: '1example23456789',
  identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
  cognitoDomain: 'https://orca-1.auth.eu-west-1.amazoncognito.com',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/ui/',
};

const jwt = (claims: Record<string, unknown>) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

function browser(href: string) {
  const items = new Map<string, string>();
  const state = { href, now: Date.parse('2026-12-01T10:00:00Z'), navigated: [] as string[] };
  const requests: Array<{ url: string; target?: string; form?: Record<string, string> }> = [];
  let credentialsIssued = 0;
  const fetcher = (async (url: string, init: RequestInit) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    if (url.endsWith('/oauth2/token')) {
      const form = Object.fromEntries(new URLSearchParams(String(init.body)));
      requests.push({ url, form });
      return Response.json({
        id_token: jwt({ email: 'ann@example.com', n: requests.length }),
        access_token: 'a',
        ...(form.grant_type === 'authorization_code' ? { refresh_token: 'r1' } : {}),
        expires_in: 3600,
      });
    }
    const target = headers['x-amz-target']!;
    requests.push({ url, target });
    if (target.endsWith('.GetId')) return Response.json({ IdentityId: 'eu-west-1:id' });
    credentialsIssued += 1;
    return Response.json({
      Credentials: {
        AccessKeyId: `ASIA${credentialsIssued}`,
        SecretKey: 's',
        SessionToken: 't',
        // Half an hour from now (before the ID token's hour), in seconds.
        Expiration: state.now / 1000 + 1800,
      },
    });
  }) as unknown as typeof fetch;
  const env: SessionEnv = {
    storage: {
      getItem: (k) => items.get(k) ?? null,
      setItem: (k, v) => void items.set(k, v),
      removeItem: (k) => void items.delete(k),
    },
    href: () => state.href,
    replaceUrl: (url) => {
      state.href = new URL(url, state.href).href;
    },
    navigate: (url) => void state.navigated.push(url),
    fetch: fetcher,
    now: () => state.now,
  };
  return { env, state, items, requests };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
};

describe('a cloud console session', () => {
  it('signs in (code with PKCE), signs requests, renews credentials and tokens, signs out', async () => {
    const b = browser('https://d111111abcdef8.cloudfront.net/ui/campaigns/winback');
    // First visit: no tokens in the tab, off to the hosted UI (the promise does not settle).
    void startSession(config, b.env);
    await until(() => b.state.navigated.length > 0);
    const authorize = new URL(b.state.navigated[0]!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${config.cognitoDomain}/oauth2/authorize`);
    const pending = JSON.parse(b.items.get('orca.auth.pending')!) as { state: string; verifier: string; back: string };
    expect(pending.back).toBe('/ui/campaigns/winback');
    expect(authorize.searchParams.get('state')).toBe(pending.state);
    expect(authorize.searchParams.get('code_challenge')).toBe(await codeChallenge(pending.verifier));

    // Back from the hosted UI with the code: exchanged with the verifier, the URL restored.
    b.state.href = `${config.redirectUri}?code=c0de&state=${pending.state}`;
    const session = await startSession(config, b.env);
    expect(b.requests[0]!.form).toMatchObject({
      grant_type: 'authorization_code',
      code: 'c0de',
      code_verifier: pending.verifier,
    });
    expect(b.requests.slice(1).map((r) => r.target)).toEqual([
      'AWSCognitoIdentityService.GetId',
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
    ]);
    expect(b.state.href).toBe('https://d111111abcdef8.cloudfront.net/ui/campaigns/winback');
    expect(b.items.has('orca.auth.pending')).toBe(false);
    expect(session.user).toBe('ann@example.com');

    // Requests are signed with the pool's credentials.
    const signed = await session.sign(new Request(`${config.apiUrl}campaigns`));
    expect(signed.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIA1\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
    expect(signed.headers.get('x-amz-security-token')).toBe('t');
    expect(b.requests).toHaveLength(3);

    // 29.5 minutes later the credentials are about to expire: new ones from the same ID token, once.
    b.state.now += 29.5 * 60_000;
    await Promise.all([session.credentials(), session.credentials()]);
    expect((await session.credentials()).accessKeyId).toBe('ASIA2');
    expect(b.requests.map((r) => r.form?.grant_type ?? r.target).slice(3)).toEqual([
      'AWSCognitoIdentityService.GetId',
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
    ]);

    // Two hours on, the ID token has expired as well: the refresh token first.
    b.state.now += 2 * 3600_000;
    expect((await session.credentials()).accessKeyId).toBe('ASIA3');
    expect(b.requests[5]!.form).toEqual({
      client_id: config.clientId,
      grant_type: 'refresh_token',
      refresh_token: 'r1',
    });

    // Sign-out: the tab forgets the tokens, the hosted UI ends its session.
    session.signOut();
    expect(b.items.has('orca.auth.tokens')).toBe(false);
    expect(b.state.navigated.at(-1)).toBe(
      `${config.cognitoDomain}/logout?client_id=${config.clientId}&logout_uri=${encodeURIComponent(config.redirectUri)}`,
    );
  });

  it('a return whose state is not the one sent is refused; so is a hosted UI error', async () => {
    const b = browser(`${config.redirectUri}?code=c0de&state=forged`);
    b.items.set('orca.auth.pending', JSON.stringify({ state: 'mine', verifier: 'v', back: '/ui/' }));
    await expect(startSession(config, b.env)).rejects.toThrow(SignInFailed);
    expect(b.requests).toEqual([]);
    const denied = browser(`${config.redirectUri}?error=access_denied&error_description=User+is+disabled`);
    await expect(startSession(config, denied.env)).rejects.toThrow('sign-in refused: User is disabled');
  });
});
