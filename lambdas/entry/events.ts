/**
 * Lambda: SES and SMS delivery events from EventBridge (placeholder until ch-events merges: the real
 * entry records them; the deployment only needs this file to exist to bundle it).
 */
import { logger } from './aws.js';

export const handler = async (): Promise<never> => {
  logger.error('the events function is a placeholder in this build');
  throw new Error('the events function is not built yet (placeholder until ch-events merges)');
};
