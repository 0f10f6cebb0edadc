/** Lambda: the gate before each activity (a .waitForTaskToken task; answers with SendTaskSuccess). */
import { makeGateHandler } from '../handlers/handlers.js';
import { awsDeps, middlewares, SfnCallbacks } from './aws.js';

const deps = awsDeps();
export const handler = makeGateHandler(deps, new SfnCallbacks(deps.sfn), { middlewares });
