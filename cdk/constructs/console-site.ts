/**
 * Where the web console is served in the cloud: its built files in a private, encrypted, TLS-only
 * bucket, read by CloudFront through origin access control (OAC, not the legacy OAI), HTTPS only
 * (HTTP redirects), every answer with the console's security headers (HSTS, a CSP naming the API
 * and Cognito, no sniffing, no framing, no referrer), and the app's deep links (/ui/...) answered
 * with index.html by a CloudFront Function. Access logs of the bucket and of the distribution go to
 * a log bucket of their own.
 */
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ConsoleSiteProps {
  /** The hosted UI's origin (https://<prefix>.auth.<region>.amazoncognito.com), where the console exchanges its code. */
  cognitoOrigin: string;
  removalPolicy?: RemovalPolicy | undefined;
}

/**
 * The viewer-request function (cloudfront-js-2.0): the built files (/ui/assets/*, /ui/config.json)
 * as they are, every other path (/, /ui/, /ui/campaigns/winback/runs/r1...) the app's index.html.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/ui/config.json' || uri.startsWith('/ui/assets/')) return request;
  request.uri = '/ui/index.html';
  return request;
}`;

/**
 * The console's CSP in the cloud: as `orca serve`'s (scripts from the site only, no inline
 * scripts, no framing), and its calls: the API, the hosted UI's token endpoint, the identity pool.
 *
 * The API is named by its host pattern in the stack's region (https://*.execute-api.<region>.<suffix>):
 * its id is known only once deployed, and the API's CORS names this distribution, so naming the
 * API here would make each depend on the other (a cycle CloudFormation refuses). Calls to any API
 * there still need the signed-in user's credentials, which only orca's API accepts.
 */
export function consoleCsp(stack: Stack, cognitoOrigin: string): string {
  const connect = [
    "'self'",
    `https://*.execute-api.${stack.region}.${stack.urlSuffix}`,
    cognitoOrigin,
    `https://cognito-identity.${stack.region}.${stack.urlSuffix}`,
  ];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly routing: cloudfront.Function;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // CloudFront's standard logs are written with ACLs ("Amazon CloudFront Developer Guide —
    // Configure standard logging (legacy)": the bucket must have ACLs enabled), so this bucket keeps them.
    this.logs = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy,
    });
    Validations.of(this.logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The access log bucket of the console (its bucket and its distribution); logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Files', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy,
    });

    // CloudFront's names are the account's (global): the region in them, for a stack deployed in several.
    const named = (c: Construct) => `${Names.uniqueResourceName(c, { maxLength: 96 })}-${Stack.of(this).region}`;
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: named(this),
      comment: 'orca console: HSTS, CSP, no sniffing, no framing, no referrer',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp(Stack.of(this), props.cognitoOrigin),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.routing = new cloudfront.Function(this, 'Routing', {
      comment: 'orca console: deep links (/ui/...) answer index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
    });
    const access = new cloudfront.S3OriginAccessControl(this, 'Access', {
      originAccessControlName: named(this.bucket),
      description: 'orca console: CloudFront reads the console bucket (SigV4)',
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'orca web console',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, { originAccessControl: access }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [{ function: this.routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'The console is for the team that runs the campaigns, wherever it works: sign-in (Cognito, MFA) decides who uses it, not the country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only; the API it calls has its own throttling and IAM authorization, and sign-in is Cognito’s. A WAF web ACL is left to the team (its cost and rules are theirs).',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution answers on its own *.cloudfront.net name, whose certificate and TLS policy are CloudFront’s; a custom domain with its certificate is the way to choose TLSv1.2_2021.',
      },
    );
  }

  /** The console's URL, where Cognito sends users back after signing in: https://<distribution>/ui/. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}/ui/`;
  }

  /** The console's origin (what a browser sends as Origin): https://<distribution>. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
