/** The Athena workgroup campaigns run in: engine v3, results encrypted in the data bucket, a scan cutoff. */
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ATHENA_RESULTS } from '../../lambdas/layout.js';

export interface AthenaWorkGroupProps {
  name: string;
  bucket: s3.IBucket;
  /** Bytes one query may scan before Athena cancels it. */
  bytesScannedCutoffPerQuery: number;
}

export class AthenaWorkGroup extends Construct {
  readonly name: string;
  readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: AthenaWorkGroupProps) {
    super(scope, id);
    this.name = props.name;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.name,
      description: 'orca campaign queries',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Not enforced: CTAS statements name their external_location (work tables per run and activity), which
        // Athena refuses in a workgroup that enforces its results location. Queries send their own
        // database and results location; the engine version and the scan cutoff still apply.
        enforceWorkGroupConfiguration: false,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: props.bucket.s3UrlForObject(ATHENA_RESULTS),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
