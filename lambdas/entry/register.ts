/**
 * Lambda: the custom resource that records campaigns deployed as code in the status table (see
 * ../api/code-campaigns.ts), answering CloudFormation at the presigned ResponseURL.
 */
import { onCampaignResource, type CampaignResourceEvent } from '../api/code-campaigns.js';
import { awsStore, logger } from './aws.js';

const store = awsStore();

export async function handler(event: CampaignResourceEvent): Promise<void> {
  const response = await onCampaignResource(event, store);
  if (response.Status === 'FAILED')
    logger.error('campaign registration failed', { reason: response.Reason, request: event.RequestType });
  const body = JSON.stringify(response);
  const r = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
  });
  if (!r.ok) throw new Error(`CloudFormation did not take the response: ${r.status} ${await r.text()}`);
}
