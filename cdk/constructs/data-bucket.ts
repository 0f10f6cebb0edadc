/**
 * The data bucket: catalog data, incoming files, work tables, audiences, Athena results. Encrypted,
 * private, TLS only, with server access logs; work tables expire past the retention period.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ATHENA_RESULTS } from '../../lambdas/layout.js';

export interface DataBucketProps {
  /** Days after which work tables expire (the S3 lifecycle backstop of the purge). */
  retentionDays: number;
  removalPolicy?: RemovalPolicy;
}

export class DataBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Left to CDK: a bucket policy for the log delivery service where the feature flag is on
      // (it is in this repository's cdk.json), an ACL for object writers otherwise.
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket of the data bucket; logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        { id: 'expire-work-tables', prefix: 'work/', expiration: Duration.days(props.retentionDays) },
        { id: 'expire-athena-results', prefix: ATHENA_RESULTS, expiration: Duration.days(7) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
  }
}
