/**
 * Credentials from the identity pool as "Amazon Cognito Identity API Reference" documents the calls:
 * POST to cognito-identity.<region>.amazonaws.com with Content-Type application/x-amz-json-1.1 and
 * X-Amz-Target AWSCognitoIdentityService.<operation>; GetId then GetCredentialsForIdentity, each with
 * Logins { "cognito-idp.<region>.amazonaws.com/<user pool id>": <ID token> }; Expiration in seconds.
 */
import { describe, expect, it } from 'vitest';
import { CredentialsRefused, credentialsFor } from './identity-pool.js';

const config = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
};

function pool(answers: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; headers: Record<string, string>; body: unknown }> = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
    const a = answers.shift()!;
    return new Response(JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof fetch;
  return { calls, fetcher };
}

describe('Amazon Cognito Identity — GetId, GetCredentialsForIdentity (enhanced flow)', () => {
  it('the ID token as the user pool’s login, then the role’s temporary credentials', async () => {
    const identityId = 'eu-west-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const { calls, fetcher } = pool([
      { status: 200, body: { IdentityId: identityId } },
      {
        status: 200,
        body: {
          IdentityId: identityId,
          Credentials: {
            AccessKeyId: 'ASIAEXAMPLE',
            SecretKey: 'secret',
            SessionToken: 'token',
            Expiration: 1764604800,
          },
        },
      },
    ]);
    const creds = await credentialsFor(config, 'id.jwt', fetcher);
    expect(creds).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiresAt: 1764604800_000,
    });
    const logins = { 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123': 'id.jwt' };
    expect(calls).toEqual([
      {
        url: 'https://cognito-identity.eu-west-1.amazonaws.com/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
        body: { IdentityPoolId: config.identityPoolId, Logins: logins },
      },
      {
        url: 'https://cognito-identity.eu-west-1.amazonaws.com/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity',
        },
        body: { IdentityId: identityId, Logins: logins },
      },
    ]);
  });

  it('a user in no group (the role mapping denies: NotAuthorizedException) is told to ask for a group', async () => {
    const refusal = () =>
      pool([
        { status: 200, body: { IdentityId: 'eu-west-1:x' } },
        { status: 400, body: { __type: 'NotAuthorizedException', message: 'Unable to resolve role' } },
      ]).fetcher;
    await expect(credentialsFor(config, 'id.jwt', refusal())).rejects.toThrow(CredentialsRefused);
    await expect(credentialsFor(config, 'id.jwt', refusal())).rejects.toThrow(
      'no console role for this user: ask an administrator to add you to the group viewers, operators or editors (Unable to resolve role)',
    );
  });

  it('another refusal names its type and message', async () => {
    const { fetcher } = pool([
      { status: 400, body: { __type: 'com.amazon#ResourceNotFoundException', message: 'no pool' } },
    ]);
    await expect(credentialsFor(config, 'id.jwt', fetcher)).rejects.toThrow(
      'the identity pool refused (ResourceNotFoundException: no pool)',
    );
  });
});
