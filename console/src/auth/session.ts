/**
 * A signed-in session of the cloud console: the hosted UI's code flow with PKCE, the tokens kept in
 * the tab (sessionStorage: gone when the tab closes), IAM credentials from the identity pool kept in
 * memory and renewed a minute before they expire (from the ID token, itself renewed with the
 * refresh token; when that fails too, back to the sign-in page), and sign-out.
 */
import type { CloudConfig } from './config.js';
import { authorizeUrl, exchangeCode, logoutUrl, refreshTokens, SignInFailed, type Tokens } from './hosted-ui.js';
import { type Credentials, credentialsFor } from './identity-pool.js';
import { codeChallenge, codeVerifier, randomState } from './pkce.js';
import { requestSigner } from './signer.js';

/** What the session needs from the browser (a test gives its own). */
export interface SessionEnv {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The page's URL. */
  href: () => string;
  /** Changes the URL without loading a page (after the code is exchanged). */
  replaceUrl: (url: string) => void;
  /** Leaves for another page (the hosted UI). */
  navigate: (url: string) => void;
  fetch: typeof fetch;
  now: () => number;
}

export const browserEnv = (): SessionEnv => ({
  storage: sessionStorage,
  href: () => location.href,
  replaceUrl: (url) => history.replaceState(null, '', url),
  navigate: (url) => location.assign(url),
  fetch: (input, init) => fetch(input, init),
  now: Date.now,
});

export interface CloudSession {
  /** The signed-in user's email (from the ID token). */
  user: string;
  sign: (request: Request) => Promise<Request>;
  /** The credentials the next request is signed with (renewed when about to expire). */
  credentials: () => Promise<Credentials>;
  signOut: () => void;
}

const KEY = { tokens: 'orca.auth.tokens', pending: 'orca.auth.pending' };
/** Renewed this long before they expire. */
const MARGIN_MS = 60_000;

/** The claims of a JWT (the ID token: email), unverified: the identity pool verifies it. */
function claims(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '='))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Sends the user to the hosted UI; the promise never settles (the page is left). */
async function signIn(config: CloudConfig, env: SessionEnv): Promise<never> {
  const verifier = codeVerifier();
  const state = randomState();
  const url = new URL(env.href());
  env.storage.setItem(
    KEY.pending,
    JSON.stringify({ state, verifier, back: `${url.pathname}${url.search}${url.hash}` }),
  );
  env.navigate(authorizeUrl(config, state, await codeChallenge(verifier)));
  return new Promise<never>(() => undefined);
}

/** The tokens of the page's return from the hosted UI (?code=&state=), if it is one. */
async function returnFromSignIn(config: CloudConfig, env: SessionEnv): Promise<Tokens | undefined> {
  const url = new URL(env.href());
  const error = url.searchParams.get('error');
  const code = url.searchParams.get('code');
  if (!code && !error) return undefined;
  const pending = JSON.parse(env.storage.getItem(KEY.pending) ?? 'null') as {
    state: string;
    verifier: string;
    back: string;
  } | null;
  env.storage.removeItem(KEY.pending);
  if (error) throw new SignInFailed(`sign-in refused: ${url.searchParams.get('error_description') ?? error}`);
  if (!pending || pending.state !== url.searchParams.get('state'))
    throw new SignInFailed('this sign-in was not started here (its state does not match): sign in again');
  const tokens = await exchangeCode(config, code!, pending.verifier, env.fetch, env.now);
  env.replaceUrl(pending.back.startsWith('/') ? pending.back : new URL(config.redirectUri).pathname);
  return tokens;
}

/** Starts the session: back from the hosted UI, or with the tab's tokens, or off to sign in. */
export async function startSession(config: CloudConfig, env: SessionEnv = browserEnv()): Promise<CloudSession> {
  let tokens =
    (await returnFromSignIn(config, env)) ?? (JSON.parse(env.storage.getItem(KEY.tokens) ?? 'null') as Tokens | null);
  if (!tokens) return signIn(config, env);
  env.storage.setItem(KEY.tokens, JSON.stringify(tokens));

  let current: Credentials | undefined;
  let renewing: Promise<Credentials> | undefined;
  const fresh = (expiresAt: number) => expiresAt - MARGIN_MS > env.now();
  const renew = async (): Promise<Credentials> => {
    if (!fresh(tokens!.expiresAt)) {
      if (!tokens!.refreshToken) return signIn(config, env);
      try {
        tokens = await refreshTokens(config, tokens!.refreshToken, env.fetch, env.now);
      } catch {
        // The refresh token expired or was revoked: sign in again.
        env.storage.removeItem(KEY.tokens);
        return signIn(config, env);
      }
      env.storage.setItem(KEY.tokens, JSON.stringify(tokens));
    }
    current = await credentialsFor(config, tokens!.idToken, env.fetch);
    return current;
  };
  const credentials = (): Promise<Credentials> => {
    if (current && fresh(current.expiresAt)) return Promise.resolve(current);
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };
  // The first credentials now: a user without a role learns it before any page.
  await credentials();
  const email = claims(tokens.idToken).email;
  return {
    user: typeof email === 'string' ? email : 'signed in',
    sign: requestSigner({ region: config.region, credentials }),
    credentials,
    signOut: () => {
      env.storage.removeItem(KEY.tokens);
      current = undefined;
      env.navigate(logoutUrl(config));
    },
  };
}
