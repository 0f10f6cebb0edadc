/** Lambda: records an activity's outputs after its query or wait; channel activities' sent step. */
import { makeRecordHandler } from '../handlers/handlers.js';
import { awsChannels, awsDeps, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';

// The sent step sums the chunks' counts (the ledger) and sets the counters (the status table).
export const handler = makeRecordHandler({ ...awsDeps(QUERY_LIMITS.record), channels: awsChannels() }, { middlewares });
