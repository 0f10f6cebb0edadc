/**
 * The chunk sender with its messages rendered from the activity's templates (parsed once per
 * chunk, MJML compiled once) and signed with the deployment's links: the SendChunk the send
 * handler takes (the send function in the cloud).
 */
import { prepareTemplates, renderMessage } from '../channels/templates.js';
import { sendChunk } from './chunk.js';
import type { SendChunk } from './send.js';

export const templatedSendChunk: SendChunk = (job, deps) => {
  const templates = prepareTemplates(job.activity);
  return sendChunk(job, deps, {
    render: (row, ctx) => renderMessage(templates, row, { ...ctx, links: deps.links }),
  });
};
