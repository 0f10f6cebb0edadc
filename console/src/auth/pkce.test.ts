/** PKCE, checked against RFC 7636 Appendix B ("Example for the S256 code_challenge_method"). */
import { describe, expect, it } from 'vitest';
import { codeChallenge, codeVerifier } from './pkce.js';

// The appendix's 32 octets, its code_verifier and its code_challenge.
const OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91,
  88, 5, 88, 83, 132, 141, 121,
];
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('RFC 7636 — Proof Key for Code Exchange', () => {
  it('the verifier is the base64url of 32 random octets (Appendix B)', () => {
    expect(
      codeVerifier((b) => {
        b.set(OCTETS);
        return b;
      }),
    ).toBe(VERIFIER);
  });

  it('the S256 challenge is BASE64URL(SHA256(verifier)) (Appendix B)', async () => {
    expect(await codeChallenge(VERIFIER)).toBe(CHALLENGE);
  });

  it('a fresh verifier has 43 characters of the unreserved set (section 4.1) and differs each time', () => {
    const a = codeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9\-_]{43}$/);
    expect(codeVerifier()).not.toBe(a);
  });
});
