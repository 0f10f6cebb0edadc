/** Names shared by the deployment and the Lambda code. */

/**
 * A campaign id: lower-case letters, digits and -, starting with a letter, at most 54 characters, so
 * that every AWS name made from it fits: its EventBridge Scheduler schedules `orca-<id>` and
 * `orca-<id>_last` (at most 64 characters), its state machines `orca-<id>` and `orca-<id>_test` (at
 * most 80).
 */
export const CAMPAIGN_ID_MAX = 54;
export const CAMPAIGN_ID = new RegExp(`^[a-z][a-z0-9-]{0,${CAMPAIGN_ID_MAX - 1}}$`);
export const stateMachineName = (campaignId: string): string => `orca-${campaignId}`;
/** The machine test runs of a draft use; `_` cannot appear in a campaign id, so no campaign has this name. */
export const testMachineName = (campaignId: string): string => `orca-${campaignId}_test`;

/** Where a deployment lives, for building ARNs. */
export interface AwsLocation {
  partition?: string | undefined;
  region: string;
  account: string;
}

const statesArn = (l: AwsLocation, resource: string) =>
  `arn:${l.partition ?? 'aws'}:states:${l.region}:${l.account}:${resource}`;
export const stateMachineArn = (l: AwsLocation, machine: string): string => statesArn(l, `stateMachine:${machine}`);
/** Executions are named after their run. */
export const executionArn = (l: AwsLocation, machine: string, execution: string): string =>
  statesArn(l, `execution:${machine}:${execution}`);
