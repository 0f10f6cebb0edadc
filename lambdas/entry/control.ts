/** Lambda: start, finalize and failure handling of campaign runs. */
import { makeControlHandler } from '../handlers/handlers.js';
import { awsDeps, middlewares } from './aws.js';

export const handler = makeControlHandler(awsDeps(), { middlewares });
