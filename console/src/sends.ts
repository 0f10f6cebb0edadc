/**
 * A channel activity's send as the console shows it: what was prepared (messages, and those
 * excluded by reason) while it waits for a confirmation, then how the send went (the run report's
 * line of the activity, GET /runs/{runId}/report).
 */
import type { ReportLine } from './types.js';

export const CHANNEL_TYPES = ['email', 'sms', 'push'];
export const isChannel = (type: string): boolean => CHANNEL_TYPES.includes(type);

/** The messages prepared (those targeted but not excluded) and the exclusions by reason, largest first (none at 0). */
export function prepared(line: ReportLine): { targeted: number; messages: number; excluded: Array<[string, number]> } {
  const { total, ...reasons } = line.excluded;
  return {
    targeted: line.targeted,
    messages: line.targeted - total,
    excluded: Object.entries(reasons)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  };
}

const OUTCOME_LABELS: Array<[keyof ReportLine, string]> = [
  ['sent', 'sent'],
  ['failed', 'failed'],
  ['throttled', 'throttled'],
  ['renderError', 'not rendered'],
  ['windowClosed', 'outside the sending window'],
  ['unknown', 'outcome unknown'],
  ['delivered', 'delivered'],
  ['bounced', 'bounced'],
  ['complained', 'complaints'],
  ['opened', 'opened'],
  ['clicked', 'clicked'],
  ['unsubscribed', 'unsubscribed'],
];

/** The delivery report's figures worth a line: sent always, the others when not 0. */
export function deliveryFigures(line: ReportLine): Array<[string, number]> {
  return OUTCOME_LABELS.map(([k, label]): [string, number] => [label, Number(line[k] ?? 0)]).filter(
    ([label, n]) => label === 'sent' || n > 0,
  );
}

/** A rate as a percentage with one decimal, or '—' when its denominator was 0. */
export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
