/** Names shared by the deployment and the Lambda code. */
export const stateMachineName = (campaignId: string): string => `orca-${campaignId}`;
/** The machine test runs of a draft use; `_` cannot appear in a campaign id, so no campaign has this name. */
export const testMachineName = (campaignId: string): string => `orca-${campaignId}_test`;
