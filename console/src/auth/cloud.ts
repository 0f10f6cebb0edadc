/**
 * The cloud console's start (loaded only when config.json says it is deployed, so that `orca serve`'s
 * first page carries none of it): sign in, then every API request signed, to the deployment's API.
 */
import { configureApi } from '../api.js';
import type { CloudConfig } from './config.js';
import { type CloudSession, startSession } from './session.js';

export async function startCloudConsole(config: CloudConfig): Promise<CloudSession> {
  const session = await startSession(config);
  configureApi({ base: config.apiUrl.replace(/\/+$/, ''), sign: session.sign });
  return session;
}
