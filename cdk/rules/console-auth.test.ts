/**
 * Console sign-in, checked on the shared stack's template against the documents each rule comes from:
 * - "Amazon Cognito Developer Guide — Adding user pool sign-in through a third party / Using the
 *   hosted UI: App clients" (a public client: no secret, authorization code grant, callback URLs);
 * - "— Role-based access control" (identity pool role mapping Token: cognito:preferred_role, the
 *   group with the lowest precedence; AmbiguousRoleResolution Deny);
 * - "— IAM roles" (the trust policy: Federated cognito-identity.amazonaws.com, AssumeRoleWithWebIdentity,
 *   aud = the identity pool, amr = authenticated);
 * - "— Identity pools authentication flow" (enhanced flow; the basic flow off; no unauthenticated identities);
 * - "Amazon API Gateway Developer Guide — Control access for invoking an API" (execute-api:Invoke on
 *   arn:…:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>).
 * Which role may call which route is simulated with IAM in test/iam.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  apiRoutes,
  CONSOLE_ROLES,
  invokePath,
  OPERATOR_ROUTES,
  roleOf,
  routesOf,
} from '../constructs/console-roles.js';
import { ORCA_TEST_PROPS, orcaTemplate, resourcesOf, templateOf } from './template.js';

const only = (type: string) => {
  const found = resourcesOf(orcaTemplate().template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

describe('the user pool', () => {
  it('users the team adds (no self sign-up), email sign-in, a strong password, MFA required with an authenticator app', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
    // Threat protection is the Plus plan's (an option): off by default, acknowledged with its reason.
    expect(pool.Properties.UserPoolTier).toBeUndefined();
  });

  it('threatProtection: the Plus plan with threat protection enforced', () => {
    const { template } = templateOf({ ...ORCA_TEST_PROPS, console: { threatProtection: true } });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('the hosted UI on a Cognito domain, and the console’s app client: code grant (PKCE), no secret, back to the console', () => {
    const [, domain] = only('AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.Domain).toEqual({
      'Fn::Join': ['', ['orca-', { Ref: 'AWS::AccountId' }, expect.stringMatching(/^-[0-9a-f]{8}$/)]],
    });
    const [, client] = only('AWS::Cognito::UserPoolClient');
    const distribution = resourcesOf(orcaTemplate().template, 'AWS::CloudFront::Distribution')[0]![0];
    const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/ui/']] };
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: [consoleUrl],
      LogoutURLs: [consoleUrl],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(client.Properties.AllowedOAuthFlows).not.toContain('implicit');
  });
});

describe('the identity pool', () => {
  it('authenticated users of the console’s client only (token checked), no guests, no basic flow', () => {
    const [, pool] = only('AWS::Cognito::IdentityPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    const [userPoolId] = only('AWS::Cognito::UserPool');
    expect(pool.Properties).toEqual({
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      CognitoIdentityProviders: [
        {
          ClientId: { Ref: clientId },
          ProviderName: { 'Fn::GetAtt': [userPoolId, 'ProviderName'] },
          ServerSideTokenCheck: true,
        },
      ],
    });
  });

  it('the role comes from the token (the group’s, cognito:preferred_role); a user in no group is denied; no default role', () => {
    const [, attachment] = only('AWS::Cognito::IdentityPoolRoleAttachment');
    const [poolId] = only('AWS::Cognito::IdentityPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    const [userPoolId] = only('AWS::Cognito::UserPool');
    expect(attachment.Properties).toEqual({
      IdentityPoolId: { Ref: poolId },
      RoleMappings: {
        console: {
          Type: 'Token',
          AmbiguousRoleResolution: 'Deny',
          IdentityProvider: {
            'Fn::Join': ['', [{ 'Fn::GetAtt': [userPoolId, 'ProviderName'] }, ':', { Ref: clientId }]],
          },
        },
      },
    });
  });

  it('three groups, each with its role; editors win over operators over viewers (precedence)', () => {
    const groups = resourcesOf(orcaTemplate().template, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties);
    const byName = Object.fromEntries(groups.map((g) => [g.GroupName, g]));
    expect(Object.keys(byName).sort()).toEqual(['editors', 'operators', 'viewers']);
    expect(byName.editors.Precedence).toBeLessThan(byName.operators.Precedence);
    expect(byName.operators.Precedence).toBeLessThan(byName.viewers.Precedence);
    for (const g of groups)
      expect(g.RoleArn['Fn::GetAtt'][0]).toMatch(
        new RegExp(`^OrcaConsoleAuth${g.GroupName[0].toUpperCase()}${g.GroupName.slice(1)}Role`),
      );
  });

  it('each role: assumed only through this identity pool by an authenticated identity; its policy execute-api:Invoke on its routes', () => {
    const [poolId] = only('AWS::Cognito::IdentityPool');
    const { template } = orcaTemplate();
    const [apiId] = only('AWS::ApiGatewayV2::Api');
    for (const role of CONSOLE_ROLES) {
      const name = `OrcaConsoleAuth${role[0]!.toUpperCase()}${role.slice(1)}Role`;
      const [roleId, r] = resourcesOf(template, 'AWS::IAM::Role').find(([id]) => id.startsWith(name))!;
      expect(r.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: poolId } },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ]);
      const policies = resourcesOf(template, 'AWS::IAM::Policy').filter(([, p]) =>
        p.Properties.Roles.some((x: { Ref: string }) => x.Ref === roleId),
      );
      expect(policies).toHaveLength(1);
      const statements = policies[0]![1].Properties.PolicyDocument.Statement;
      expect(statements).toHaveLength(1);
      expect(statements[0].Action).toBe('execute-api:Invoke');
      const arn = (path: string) => ({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':execute-api:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':',
            { Ref: apiId },
            `/*/${path}`,
          ],
        ],
      });
      expect(statements[0].Resource).toEqual(routesOf(role).map((route) => arn(invokePath(route))));
    }
  });
});

describe('which routes each role has', () => {
  it('viewers: every GET; operators: the run and job controls; editors: the rest (each route has exactly one least role)', () => {
    const routes = apiRoutes();
    const least = (method: string, path: string) => roleOf({ method, path });
    expect(least('GET', '/runs/{runId}/transitions/{transitionId}/rows')).toBe('viewers');
    expect(least('GET', '/openapi.json')).toBe('viewers');
    for (const key of OPERATOR_ROUTES) {
      const [method, path] = key.split(' ') as [string, string];
      // Every run control is a route of the API (a renamed route would fall to editors unnoticed otherwise).
      expect(routes, key).toContainEqual({ method, path });
      expect(least(method, path)).toBe('operators');
    }
    const editors = routes.filter((r) => roleOf(r) === 'editors').map((r) => `${r.method} ${r.path}`);
    expect(editors.sort()).toEqual(
      [
        'POST /campaigns',
        'PUT /campaigns/{id}',
        'DELETE /campaigns/{id}',
        'POST /campaigns/{id}/duplicate',
        'POST /campaigns/{id}/publish',
        'POST /campaigns/{id}/archive',
        // Data: an import job started, its file uploaded, a table rolled back, an export of a table or audience.
        'POST /jobs',
        'POST /jobs/check',
        'POST /exports',
        'POST /uploads',
        'POST /tables/{table}/rollback',
      ].sort(),
    );
    expect(routesOf('viewers').every((r) => r.method === 'GET')).toBe(true);
    expect(routesOf('editors')).toHaveLength(routes.length);
  });
});
