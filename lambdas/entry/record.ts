/** Lambda: records an activity's outputs after its query or wait. */
import { makeRecordHandler } from '../handlers/handlers.js';
import { awsDeps, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';

export const handler = makeRecordHandler(awsDeps(QUERY_LIMITS.record), { middlewares });
