/** Names shared by the deployment and the Lambda code. */
export const stateMachineName = (campaignId: string): string => `orca-${campaignId}`;
