/**
 * PKCE (RFC 7636): a random code verifier kept in the tab, and its S256 challenge sent with the
 * authorization request ("Proof Key for Code Exchange by OAuth Public Clients", section 4).
 */
const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** 32 random bytes, base64url: 43 characters of [A-Za-z0-9-_] (section 4.1: 43 to 128). */
export function codeVerifier(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return base64url(random(new Uint8Array(32)));
}

/** code_challenge = BASE64URL(SHA256(ASCII(code_verifier))) (section 4.2, method S256). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** A random state for the authorization request (checked when the user comes back). */
export const randomState = (): string => codeVerifier();
