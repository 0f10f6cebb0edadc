/**
 * Lambda: a channel activity's chunk sender, one chunk per invocation (inside the send Map): the
 * status table (the plan, the ledger, the rate limiter, the counters), the data bucket (the manifest,
 * the chunk's Parquet files by ranges, the message log), the providers of its environment, and
 * links signed with the link secret (read on the first invocation, not at every cold start).
 */
import { makeSendHandler } from '../handlers/handlers.js';
import { sendChunk } from '../orchestrator/chunk.js';
import { awsChannels, awsDeps, awsLinks, middlewares } from './aws.js';

type SendHandler = ReturnType<typeof makeSendHandler>;
let ready: Promise<SendHandler> | undefined;

function sendHandler(): Promise<SendHandler> {
  ready ??= awsLinks().then(
    (links) => makeSendHandler({ ...awsDeps(), channels: awsChannels(links) }, sendChunk, { middlewares }),
    (e: unknown) => {
      ready = undefined;
      throw e;
    },
  );
  return ready;
}

export const handler: SendHandler = async (event, context) => (await sendHandler())(event, context);
