import { campaignJsonSchema } from '../../../statemachines/campaign.js';

export function schema(): void {
  console.log(JSON.stringify(campaignJsonSchema(), null, 2));
}
