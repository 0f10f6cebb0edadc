/**
 * Acknowledging cdk-nag findings one resource at a time, each with its reason. A wildcard in an
 * IAM resource is a separate finding (AwsSolutions-IAM5[Resource::...]); naming them exactly keeps
 * any new wildcard an error until someone writes down why it is needed.
 */
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag spells the ARN of a resource in a finding: <LogicalId.Arn>. */
export function arnRef(resource: IConstruct): string {
  return `<${Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnResource)}.Arn>`;
}

export function acknowledgeWildcards(scope: IConstruct, wildcards: Array<{ resource: string; reason: string }>): void {
  for (const w of wildcards)
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${w.resource}]`, reason: w.reason });
}

export const glueTables = (database: string) =>
  `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${database}/`;
