/**
 * IAM credentials for a signed-in user from the identity pool, with the Cognito Identity JSON API
 * ("Amazon Cognito Identity API Reference — GetId, GetCredentialsForIdentity"; the enhanced flow):
 * the ID token as the login of the user pool's provider, `cognito-idp.<region>.amazonaws.com/<pool id>`.
 * The pool gives the role of the user's group (its role mapping), or refuses.
 */
import type { CloudConfig } from './config.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** When they expire (ms since the epoch). */
  expiresAt: number;
}

export class CredentialsRefused extends Error {}

type Pool = Pick<CloudConfig, 'region' | 'userPoolId' | 'identityPoolId'>;

async function call(
  config: Pool,
  operation: 'GetId' | 'GetCredentialsForIdentity',
  body: unknown,
  fetcher: typeof fetch,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetcher(`https://cognito-identity.${config.region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityService.${operation}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CredentialsRefused('the identity pool does not answer');
  }
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const type = String(parsed.__type ?? response.status).replace(/^.*#/, '');
    const message = typeof parsed.message === 'string' ? parsed.message : '';
    throw new CredentialsRefused(
      type === 'NotAuthorizedException' || type === 'InvalidIdentityPoolConfigurationException'
        ? `no console role for this user: ask an administrator to add you to the group viewers, operators or editors${message ? ` (${message})` : ''}`
        : `the identity pool refused (${type}${message ? `: ${message}` : ''})`,
    );
  }
  return parsed;
}

export async function credentialsFor(
  config: Pool,
  idToken: string,
  fetcher: typeof fetch = fetch,
): Promise<Credentials> {
  const logins = { [`cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`]: idToken };
  const { IdentityId } = await call(
    config,
    'GetId',
    { IdentityPoolId: config.identityPoolId, Logins: logins },
    fetcher,
  );
  if (typeof IdentityId !== 'string') throw new CredentialsRefused('the identity pool gave no identity');
  const { Credentials: c } = await call(config, 'GetCredentialsForIdentity', { IdentityId, Logins: logins }, fetcher);
  const creds = c as { AccessKeyId?: string; SecretKey?: string; SessionToken?: string; Expiration?: number };
  if (!creds?.AccessKeyId || !creds.SecretKey || !creds.SessionToken)
    throw new CredentialsRefused('the identity pool gave no credentials');
  return {
    accessKeyId: creds.AccessKeyId,
    secretAccessKey: creds.SecretKey,
    sessionToken: creds.SessionToken,
    // Expiration: seconds since the epoch (a JSON number).
    expiresAt: Number(creds.Expiration) * 1000,
  };
}
