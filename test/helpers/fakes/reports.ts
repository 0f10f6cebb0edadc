/**
 * An in-memory ReportStore with DynamoDbReportStore's rules: an event of a message the sender
 * recorded is kept once (its first time) and only then counted for its activity; counters set by
 * the steps replace the earlier values.
 */
import type { DeliveryEvent } from '../../../lambdas/channels/columns.js';
import type { ReportCounters, ReportStore } from '../../../lambdas/ports/ledger.js';

export interface SentMessage {
  campaignId: string;
  runId: string;
  activityId: string;
}

export class MemoryReportStore implements ReportStore {
  readonly messages = new Map<string, SentMessage & { events: Partial<Record<DeliveryEvent, string>> }>();
  private readonly stats = new Map<
    string,
    { campaignId: string; runId: string; activityId: string } & ReportCounters
  >();

  /** What the sender writes for each message (its ledger item). */
  sent(messageId: string, m: SentMessage): void {
    this.messages.set(messageId, { ...m, events: {} });
  }

  private item(campaignId: string, runId: string, activityId: string) {
    const k = `${campaignId}\u0000${runId}\u0000${activityId}`;
    const s = this.stats.get(k) ?? { campaignId, runId, activityId };
    this.stats.set(k, s);
    return s;
  }

  async setCounters(campaignId: string, runId: string, activityId: string, counters: ReportCounters): Promise<void> {
    Object.assign(this.item(campaignId, runId, activityId), counters);
  }

  async recordEvent(messageId: string, event: DeliveryEvent, at: string): Promise<boolean> {
    const m = this.messages.get(messageId);
    if (!m || m.events[event]) return false;
    m.events[event] = at;
    const s = this.item(m.campaignId, m.runId, m.activityId);
    s[event] = (s[event] ?? 0) + 1;
    return true;
  }

  async counters(campaignId: string, runId?: string) {
    return [...this.stats.values()]
      .filter((s) => s.campaignId === campaignId && (!runId || s.runId === runId))
      .sort((a, b) => `${a.runId}#${a.activityId}`.localeCompare(`${b.runId}#${b.activityId}`))
      .map(({ campaignId: _, ...rest }) => rest);
  }
}
