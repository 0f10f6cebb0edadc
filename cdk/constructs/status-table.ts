/**
 * The status and log table: on demand, point-in-time recovery, encrypted; keys from the store
 * adapter. Items with a `ttl` attribute (epoch seconds) expire: the message ledger's per-message
 * items and the rate limiter's per-second slots.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableDefinition } from '../../lambdas/adapters/dynamodb-store.js';

export class StatusTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { removalPolicy?: RemovalPolicy } = {}) {
    super(scope, id);
    const def = tableDefinition('orca');
    const attr = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attr('pk'),
      sortKey: attr('sk'),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of def.GlobalSecondaryIndexes!) {
      const [pk, sk] = index.KeySchema!;
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName!,
        partitionKey: attr(pk!.AttributeName!),
        sortKey: attr(sk!.AttributeName!),
      });
    }
  }
}
