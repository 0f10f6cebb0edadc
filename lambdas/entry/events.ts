/**
 * Lambda: SES and SMS delivery events from EventBridge (placeholder until ch-events merges: the real
 * entry records them; the deployment only needs this file to exist to bundle it).
 */
export const handler = async (): Promise<never> => {
  throw new Error('the events function is not built yet (placeholder until ch-events merges)');
};
