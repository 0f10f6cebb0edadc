/**
 * Signing in to the console: an Amazon Cognito user pool (users the team adds, no self sign-up, a
 * strong password and a one-time code), its hosted UI, an app client for the console (authorization
 * code with PKCE, no secret, back to the console's URL), and an identity pool that turns a signed-in
 * user into IAM credentials for the role of their group:
 *
 * - `viewers`: the GET routes; `operators`: plus the run controls; `editors`: plus changing campaigns
 *   (see console-roles.ts). Each role's policy is an `execute-api:Invoke` list of the API's routes.
 *
 * The identity pool picks the role from the ID token ("Amazon Cognito Developer Guide — Using
 * role-based access control": role mapping `Token` takes cognito:preferred_role, the role of the
 * user's group with the lowest precedence number; AmbiguousRoleResolution `Deny`: a user in no group
 * gets no credentials). Unauthenticated identities are refused, and the basic (classic) flow is off,
 * so a role is assumed only through the enhanced flow and its role mapping.
 */
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from '../nag.js';
import { CONSOLE_ROLES, type ConsoleRole, invokePath, type RouteKey, routesOf } from './console-roles.js';

export interface ConsoleAuthProps {
  /** The console's URL (the app client's callback and sign-out URL). */
  url: string;
  api: apigw.HttpApi;
  /** The hosted UI's domain prefix (<prefix>.auth.<region>.amazoncognito.com). */
  domainPrefix: string;
  /** Cognito's Plus feature plan with threat protection enforced (charged per active user); default off. */
  threatProtection?: boolean | undefined;
  removalPolicy?: RemovalPolicy | undefined;
}

/** The precedence of each group (the lowest wins when a user is in several: cognito:preferred_role). */
const PRECEDENCE: Record<ConsoleRole, number> = { editors: 1, operators: 2, viewers: 3 };

const DESCRIPTION: Record<ConsoleRole, string> = {
  viewers: 'orca console: views campaigns, runs, logs, tasks and transitions (GET routes)',
  operators: 'orca console: views, and starts, pauses, resumes, stops, restarts runs and confirms sends',
  editors: 'orca console: operates runs, and creates, edits, publishes, archives and deletes campaigns',
};

export class ConsoleAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly client: cognito.UserPoolClient;
  readonly identityPool: cognito.CfnIdentityPool;
  readonly roles: Record<ConsoleRole, iam.Role>;

  constructor(scope: Construct, id: string, props: ConsoleAuthProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Required: a console user can start and stop sends to customers and publish campaigns; a
      // password alone is one phishing mail away. A one-time code (an authenticator app), set up at
      // the first sign-in in the hosted UI; no SMS (no phone numbers to keep, no SMS cost).
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      ...(props.threatProtection
        ? {
            featurePlan: cognito.FeaturePlan.PLUS,
            standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
          }
        : {}),
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    if (!props.threatProtection)
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Plus plan, charged per active user; the pool has no self sign-up and requires MFA. `console: { threatProtection: true }` turns it on.',
      });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    this.client = this.userPool.addClient('Console', {
      userPoolClientName: 'orca-console',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [props.url],
        logoutUrls: [props.url],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.identityPool = new cognito.CfnIdentityPool(this, 'Identities', {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        {
          clientId: this.client.userPoolClientId,
          providerName: this.userPool.userPoolProviderName,
          serverSideTokenCheck: true,
        },
      ],
    });

    // Any stage (`*`): the API has one, $default.
    const resource = (route: RouteKey) =>
      stack.formatArn({ service: 'execute-api', resource: props.api.apiId, resourceName: `*/${invokePath(route)}` });
    const apiId = `<${stack.getLogicalId(props.api.node.defaultChild as CfnElement)}>`;
    this.roles = Object.fromEntries(
      CONSOLE_ROLES.map((role) => {
        const name = `${role[0]!.toUpperCase()}${role.slice(1)}`;
        const r = new iam.Role(this, `${name}Role`, {
          description: DESCRIPTION[role],
          maxSessionDuration: Duration.hours(1),
          assumedBy: new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com', {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          }),
        });
        r.addToPolicy(
          new iam.PolicyStatement({
            actions: ['execute-api:Invoke'],
            resources: routesOf(role).map(resource),
          }),
        );
        // Each route is a wildcard (any stage; `*` for each path parameter): named one by one.
        acknowledgeWildcards(
          r,
          routesOf(role).map((route) => ({
            resource: `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/*/${invokePath(route)}`,
            reason: `The route ${route.method} ${route.path} on the API's one stage ($default)${route.path.includes('{') ? ', a path parameter standing for any campaign, run, activity or transition' : ''}.`,
          })),
        );
        new cognito.CfnUserPoolGroup(this, `${name}Group`, {
          userPoolId: this.userPool.userPoolId,
          groupName: role,
          description: DESCRIPTION[role],
          precedence: PRECEDENCE[role],
          roleArn: r.roleArn,
        });
        return [role, r];
      }),
    ) as Record<ConsoleRole, iam.Role>;

    new cognito.CfnIdentityPoolRoleAttachment(this, 'RoleMapping', {
      identityPoolId: this.identityPool.ref,
      roleMappings: {
        console: {
          type: 'Token',
          ambiguousRoleResolution: 'Deny',
          identityProvider: `${this.userPool.userPoolProviderName}:${this.client.userPoolClientId}`,
        },
      },
    });
  }
}
