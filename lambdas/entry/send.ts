/**
 * Lambda: a channel activity's chunk sender (placeholder until ch-core merges: the real entry calls
 * the send handler; the deployment only needs this file to exist to bundle it).
 */
import { logger } from './aws.js';

export const handler = async (): Promise<never> => {
  logger.error('the send function is a placeholder in this build');
  throw new Error('the send function is not built yet (placeholder until ch-core merges)');
};
