/**
 * Provider quotas at publication: a channel activity whose `throttle.perSecond` is above what its
 * provider accepts per second gets a warning naming the activity and the field (the provider would
 * throttle the rest: those messages are retried with backoff, then end `throttled`).
 *
 * The rate comes from the provider's maxPerSecond(): SES's account sending rate (GetAccount
 * SendQuota.MaxSendRate). End User Messaging SMS gives no API for an origination identity's
 * throughput (its MPS is set per number type and country, raised through a support case), so an SMS
 * rate is not checked here; SNS push has no per-endpoint rate either. Local providers have none.
 */
import { CHANNELS, type Channel } from '../channels/columns.js';
import type { Providers } from '../ports/channel.js';
import type { Campaign } from '../../statemachines/campaign.js';
import type { Issue } from '../util/issues.js';

const isChannel = (type: string): type is Channel => (CHANNELS as readonly string[]).includes(type);

export async function quotaWarnings(campaign: Campaign, providers: Providers | undefined): Promise<Issue[]> {
  const warnings: Issue[] = [];
  for (const [i, a] of campaign.activities.entries()) {
    if (!isChannel(a.type)) continue;
    const perSecond = (a as { throttle?: { perSecond?: number } }).throttle?.perSecond;
    const provider = providers?.[a.type];
    if (perSecond === undefined || !provider?.maxPerSecond) continue;
    const path = `activities[${i}].throttle.perSecond`;
    let max: number | undefined;
    try {
      max = await provider.maxPerSecond();
    } catch (e) {
      warnings.push({
        activity: a.id,
        path,
        message: `the sending rate of ${provider.description} could not be read (${(e as Error).message.split('\n')[0]}): ${perSecond} messages per second is not checked against it`,
      });
      continue;
    }
    if (max !== undefined && perSecond > max)
      warnings.push({
        activity: a.id,
        path,
        message: `throttle.perSecond ${perSecond} is above the sending rate of ${provider.description}, ${max} messages per second: the provider throttles the rest (retried with backoff, then counted 'throttled'); lower the rate or raise the quota`,
      });
  }
  return warnings;
}
