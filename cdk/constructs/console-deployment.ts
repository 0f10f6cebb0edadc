/**
 * The web console in the cloud: the site (bucket, CloudFront), sign-in (Cognito), the built files
 * (dist/console, `npm run build:console`) and, next to index.html, the `config.json` that tells the
 * console where its API and its sign-in are. The API's CORS then allows the console's origin alone.
 *
 * Files go under ui/ (the app's base path): ui/assets/* (hashed names, cached for a year, old ones
 * kept for pages still open), ui/index.html and ui/config.json (no-cache: a deployment shows at once).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from '../nag.js';
import { ORCA_ROOT } from './functions.js';
import type { OrcaApi } from './api.js';
import { ConsoleAuth } from './console-auth.js';
import { ConsoleSite } from './console-site.js';

export interface OrcaConsoleProps {
  api: OrcaApi;
  /** The built console (default: the package's dist/console). */
  files?: string | undefined;
  /** The hosted UI's domain prefix (default orca-<account>-<id>). */
  domainPrefix?: string | undefined;
  /** Cognito's Plus plan with threat protection (charged per active user). */
  threatProtection?: boolean | undefined;
  removalPolicy?: RemovalPolicy | undefined;
}

/** What the console reads from config.json (console/src/auth/config.ts reads the same keys). */
export interface ConsoleConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  /** The hosted UI: https://<prefix>.auth.<region>.amazoncognito.com. */
  cognitoDomain: string;
  /** Where the hosted UI sends the user back (the app client's callback URL). */
  redirectUri: string;
}

export class ConsoleUnavailable extends Error {}

/**
 * The findings on the copy (CDK's BucketDeployment: its grants on its role, its function), each
 * named: copying from CDK's asset bucket into the console's bucket is CDK's own code and grants.
 */
function acknowledgeCopy(role: iam.Role, logGroup: logs.LogGroup, bucket: s3.IBucket): void {
  const stack = Stack.of(role);
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error('no BucketDeployment function in the stack');
  const cdkGrant = 'CDK’s BucketDeployment grants (read the staged files, sync them into the console bucket)';
  Validations.of(role).acknowledge(
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${cdkGrant}: ${action} on that asset bucket and the console bucket only.`,
    })),
  );
  acknowledgeWildcards(role, [
    {
      resource: 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      reason: `${cdkGrant}: the objects of CDK’s asset bucket, where the console’s files are staged.`,
    },
    {
      resource: `<${stack.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/*`,
      reason: `${cdkGrant}: the console bucket’s objects (its files are all the deployment’s).`,
    },
    {
      resource: `<${stack.getLogicalId(logGroup.node.defaultChild as CfnElement)}.Arn>`,
      reason: 'The log streams of the copy’s own log group (a log group’s ARN ends in :*).',
    },
  ]);
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'CDK’s BucketDeployment function: its runtime is the one the aws-cdk-lib version pins.',
  });
}

export class OrcaConsole extends Construct {
  readonly site: ConsoleSite;
  readonly auth: ConsoleAuth;
  readonly config: ConsoleConfig;

  constructor(scope: Construct, id: string, props: OrcaConsoleProps) {
    super(scope, id);
    const files = props.files ?? join(ORCA_ROOT, 'dist', 'console');
    if (!existsSync(join(files, 'index.html')) || !existsSync(join(files, 'assets')))
      throw new ConsoleUnavailable(
        `the web console is not built (no index.html and assets/ in ${files}): run \`npm run build:console\`, or deploy without it (console: false, or -c orca:console=false)`,
      );
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);
    // The hosted UI's origin is known before the distribution (its prefix is ours), so the CSP can name it.
    const domainPrefix = props.domainPrefix ?? `orca-${stack.account}-${this.node.addr.slice(0, 8)}`;
    const cognitoOrigin = `https://${domainPrefix}.auth.${stack.region}.amazoncognito.com`;
    this.site = new ConsoleSite(this, 'Site', { cognitoOrigin, removalPolicy });
    this.auth = new ConsoleAuth(this, 'Auth', {
      url: this.site.url,
      api: props.api.api,
      domainPrefix,
      threatProtection: props.threatProtection,
      removalPolicy,
    });
    props.api.allowOrigin(this.site.origin);

    this.config = {
      apiUrl: props.api.url,
      region: stack.region,
      userPoolId: this.auth.userPool.userPoolId,
      clientId: this.auth.client.userPoolClientId,
      identityPoolId: this.auth.identityPool.ref,
      cognitoDomain: this.auth.domain.baseUrl(),
      redirectUri: this.site.url,
    };
    // The copy's function (CDK's, one per stack): a role of its own (no managed policy) and its log group.
    const copyLogs = new logs.LogGroup(this, 'CopyLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy });
    const copyRole = new iam.Role(this, 'CopyRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'orca console: copies the built console into its bucket (CDK BucketDeployment)',
    });
    copyRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [copyLogs.logGroupArn],
      }),
    );
    const copy = { role: copyRole, logGroup: copyLogs, memoryLimit: 256 };
    const assets = new s3deploy.BucketDeployment(this, 'Assets', {
      ...copy,
      sources: [s3deploy.Source.asset(files, { exclude: ['index.html', 'config.json'] })],
      destinationBucket: this.site.bucket,
      destinationKeyPrefix: 'ui/',
      exclude: ['index.html', 'config.json'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const pages = new s3deploy.BucketDeployment(this, 'Pages', {
      ...copy,
      sources: [
        s3deploy.Source.asset(files, { exclude: ['assets', 'assets/*'] }),
        s3deploy.Source.jsonData('config.json', this.config),
      ],
      destinationBucket: this.site.bucket,
      destinationKeyPrefix: 'ui/',
      // assets/ is the other deployment's: excluded here, so never pruned by this one.
      exclude: ['assets/*'],
      cacheControl: [s3deploy.CacheControl.noCache()],
    });
    // index.html names the assets: they are there first.
    pages.node.addDependency(assets);
    acknowledgeCopy(copyRole, copyLogs, this.site.bucket);

    new CfnOutput(this, 'Url', { value: this.site.url, description: 'the orca web console (sign in with Cognito)' });
    new CfnOutput(this, 'UserPool', {
      value: this.auth.userPool.userPoolId,
      description: 'console users: add them here, in the group viewers, operators or editors',
    });
  }
}
