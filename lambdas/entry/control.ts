/** Lambda: start, finalize and failure handling of campaign runs; channel activities' prepared step. */
import { makeControlHandler } from '../handlers/handlers.js';
import { awsChannels, awsDeps, middlewares } from './aws.js';

// The prepared step writes the manifest (the bucket) and sets the counters (the status table).
export const handler = makeControlHandler({ ...awsDeps(), channels: awsChannels() }, { middlewares });
