/**
 * The web console's site in the cloud, checked on the shared stack's template against the documents
 * each rule comes from:
 * - "Amazon CloudFront Developer Guide — Restrict access to an Amazon S3 origin" (origin access
 *   control: an OAC signing sigv4 always, the origin without an OAI, a bucket policy allowing
 *   cloudfront.amazonaws.com s3:GetObject only for this distribution's ARN);
 * - "— Require HTTPS for communication between viewers and CloudFront" (redirect-to-https);
 * - "— Understand response headers policies" (the security headers CloudFront adds);
 * - "— Introduction to CloudFront Functions" (a viewer-request function rewriting the URI);
 * - "Amazon API Gateway Developer Guide — Configure CORS for HTTP APIs" (the API's CORS);
 * - "Amazon S3 User Guide — Blocking public access", "— Enforce encryption in transit (aws:SecureTransport)".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { OrcaStack } from '../stack.js';
import { CONSOLE_REQUEST_HEADERS } from '../constructs/api.js';
import { ConsoleUnavailable } from '../constructs/console-deployment.js';
import { SPA_ROUTING_FUNCTION } from '../constructs/console-site.js';
import { consoleSettings } from '../console-settings.js';
import { parseConfig } from '../../console/src/auth/config.js';
import { ORCA_TEST_PROPS, orcaTemplate, resourcesOf, templateOf, testApp } from './template.js';

const one = (type: string) => {
  const found = resourcesOf(orcaTemplate().template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const idOf = (prefix: string, type: string) =>
  resourcesOf(orcaTemplate().template, type).find(([id]) => id.startsWith(prefix))![0];
const distributionDomain = () => ({
  'Fn::GetAtt': [idOf('OrcaConsoleSiteDistribution', 'AWS::CloudFront::Distribution'), 'DomainName'],
});

describe('the console’s bucket: private, encrypted, TLS only, logged', () => {
  it('blocks public access, encrypts with S3-managed keys, logs to the console’s log bucket', () => {
    const { template } = orcaTemplate();
    const logs = idOf('OrcaConsoleSiteLogs', 'AWS::S3::Bucket');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 's3/' },
    });
    // CloudFront's standard logs need ACLs on their bucket ("Amazon CloudFront Developer Guide — Configure standard logging (legacy)").
    expect(template.toJSON().Resources[logs].Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }],
    });
  });

  it('its policy refuses plain HTTP and lets CloudFront read objects for this distribution only (OAC)', () => {
    const { template } = orcaTemplate();
    const files = idOf('OrcaConsoleSiteFiles', 'AWS::S3::Bucket');
    const distribution = idOf('OrcaConsoleSiteDistribution', 'AWS::CloudFront::Distribution');
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === files,
    )!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [files, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distribution },
                ],
              ],
            },
          },
        },
      },
    ]);
  });
});

describe('the distribution', () => {
  it('reads the bucket through an origin access control (sigv4, always), no origin access identity', () => {
    const [oacId, oac] = one('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(resourcesOf(orcaTemplate().template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    const [, d] = one('AWS::CloudFront::Distribution');
    expect(d.Properties.DistributionConfig.Origins).toEqual([
      expect.objectContaining({
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
  });

  it('HTTPS only (HTTP redirects), GET and HEAD, the headers policy and the routing function on every answer, access logs', () => {
    const [, d] = one('AWS::CloudFront::Distribution');
    const config = d.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: { Ref: idOf('OrcaConsoleSiteHeaders', 'AWS::CloudFront::ResponseHeadersPolicy') },
      FunctionAssociations: [
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [idOf('OrcaConsoleSiteRouting', 'AWS::CloudFront::Function'), 'FunctionARN'] },
        },
      ],
    });
    expect(config.CacheBehaviors).toBeUndefined();
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [idOf('OrcaConsoleSiteLogs', 'AWS::S3::Bucket'), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });

  it('security headers: HSTS a year with subdomains, a CSP for the SPA and its API and Cognito origins, nosniff, DENY, no referrer', () => {
    const [, p] = one('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = p.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 31536000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    // The CSP with the stack's region and the hosted UI's prefix as tokens: its text, tokens named.
    const joined = headers.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'][1] as unknown[];
    const directives = joined
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
      .join('')
      .replace(/\{"Ref":"AWS::Region"\}/g, '<region>')
      .replace(/\{"Ref":"AWS::URLSuffix"\}/g, '<suffix>')
      .replace(/\{"Ref":"AWS::AccountId"\}/g, '<account>');
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    for (const d of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ])
      expect(directives).toContain(d);
    expect(directives).toMatch(
      /connect-src 'self' https:\/\/\*\.execute-api\.<region>\.<suffix> https:\/\/orca-<account>-[0-9a-f]{8}\.auth\.<region>\.amazoncognito\.com https:\/\/cognito-identity\.<region>\.<suffix>;/,
    );
    expect(directives).not.toContain("'unsafe-eval'");
    expect(directives).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('deep links answer index.html; the built files and config.json are served as they are (the function, run)', () => {
    const [, f] = one('AWS::CloudFront::Function');
    expect(f.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(f.Properties.FunctionCode).toBe(SPA_ROUTING_FUNCTION);
    // The viewer-request event shape of "CloudFront Functions event structure".
    const handler = new Function(`${SPA_ROUTING_FUNCTION}; return handler;`)() as (e: unknown) => { uri: string };
    const uri = (u: string) => handler({ request: { method: 'GET', uri: u, headers: {} } }).uri;
    expect(uri('/')).toBe('/ui/index.html');
    expect(uri('/ui/')).toBe('/ui/index.html');
    expect(uri('/ui/campaigns/winback/runs/r1')).toBe('/ui/index.html');
    expect(uri('/ui/assets/index-DwX3meoQ.js')).toBe('/ui/assets/index-DwX3meoQ.js');
    expect(uri('/ui/config.json')).toBe('/ui/config.json');
  });
});

describe('the files and config.json', () => {
  it('assets under ui/ cached for a year and never pruned; index.html and config.json under ui/, no-cache', () => {
    const deployments = resourcesOf(orcaTemplate().template, 'Custom::CDKBucketDeployment').map(
      ([, r]) => r.Properties,
    );
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.Exclude.includes('index.html'))!;
    const pages = deployments.find((d) => d.Exclude.includes('assets/*'))!;
    expect(assets).toMatchObject({
      DestinationBucketKeyPrefix: 'ui/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(pages).toMatchObject({ DestinationBucketKeyPrefix: 'ui/', SystemMetadata: { 'cache-control': 'no-cache' } });
    // The pages: index.html, and config.json whose values CloudFormation fills in at deploy.
    expect(pages.SourceObjectKeys).toHaveLength(2);
    expect(Object.values(pages.SourceMarkers[1])).toContainEqual(distributionDomain());
  });

  it('config.json has the keys the console reads (console/src/auth/config.ts)', () => {
    const config = orcaTemplate().stack.orca.console!.config;
    const sample = Object.fromEntries(Object.keys(config).map((k) => [k, `https://${k}.example`]));
    expect(parseConfig(sample)).toEqual(sample);
    expect(Object.keys(config).sort()).toEqual(
      ['apiUrl', 'clientId', 'cognitoDomain', 'identityPoolId', 'redirectUri', 'region', 'userPoolId'].sort(),
    );
  });

  it('the console without the API is refused, with what to do', () => {
    expect(() => new OrcaStack(testApp(), 'Orca', { orca: { ...ORCA_TEST_PROPS, api: false, console: true } })).toThrow(
      'the web console needs the API: set api to true, or console to false',
    );
  });

  it('without a build of the console, the synth stops and says how to build it or leave it out', () => {
    const empty = mkdtempSync(join(tmpdir(), 'orca-no-console-'));
    const synth = () => new OrcaStack(testApp(), 'Orca', { orca: { ...ORCA_TEST_PROPS, console: { files: empty } } });
    expect(synth).toThrow(ConsoleUnavailable);
    expect(synth).toThrow(
      /run `npm run build:console`, or deploy without it \(console: false, or -c orca:console=false\)/,
    );
  });
});

describe('the API’s CORS', () => {
  it('the console’s origin alone, the API’s methods, the headers of a SigV4 request', () => {
    const [, api] = one('AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration).toEqual({
      AllowOrigins: [{ 'Fn::Join': ['', ['https://', distributionDomain()]] }],
      AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      AllowHeaders: ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'content-type'],
      MaxAge: 600,
    });
    expect(CONSOLE_REQUEST_HEADERS).not.toContain('*');
  });

  it('the preflight: a route OPTIONS /{proxy+} without authorization (the $default route takes IAM), to the API function', () => {
    const routes = resourcesOf(orcaTemplate().template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.filter((r) => r.RouteKey.startsWith('OPTIONS'))).toEqual([
      expect.objectContaining({ RouteKey: 'OPTIONS /{proxy+}', AuthorizationType: 'NONE' }),
    ]);
  });

  it('console: false leaves out the site, the sign-in and the CORS', () => {
    const { template } = templateOf({ ...ORCA_TEST_PROPS, console: false });
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::Cognito::UserPool', 'AWS::Cognito::IdentityPool'])
      expect(resourcesOf(template, type), type).toEqual([]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    expect(resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey)).not.toContain(
      'OPTIONS /{proxy+}',
    );
    expect(resourcesOf(template, 'AWS::S3::Bucket')).toHaveLength(2);
  });
});

describe('cdk.json / -c settings', () => {
  it('orca:console false (a JSON false or the text) leaves it out; a prefix is passed on; anything else is refused', () => {
    const ctx = (values: Record<string, unknown>) => (key: string) => values[key];
    expect(consoleSettings(ctx({ console: false }))).toEqual({ console: false });
    expect(consoleSettings(ctx({ console: 'false' }))).toEqual({ console: false });
    expect(consoleSettings(ctx({ console: true }))).toEqual({ console: true });
    expect(consoleSettings(ctx({}))).toEqual({});
    expect(consoleSettings(ctx({ consoleDomainPrefix: 'acme-orca' }))).toEqual({
      console: { domainPrefix: 'acme-orca' },
    });
    expect(() => consoleSettings(ctx({ console: 'maybe' }))).toThrow('orca:console: "maybe" is neither true nor false');
  });
});
