import { describe, expect, it } from 'vitest';
import { deliveryFigures, isChannel, percent, prepared } from './sends.js';
import type { ReportLine } from './types.js';

const line = (patch: Partial<ReportLine>): ReportLine => ({
  targeted: 0,
  excluded: { total: 0 },
  sent: 0,
  failed: 0,
  throttled: 0,
  renderError: 0,
  windowClosed: 0,
  unknown: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  opened: 0,
  clicked: 0,
  unsubscribed: 0,
  rates: {
    deliveryRate: null,
    bounceRate: null,
    complaintRate: null,
    openRate: null,
    clickRate: null,
    clickToOpenRate: null,
    unsubscribeRate: null,
  },
  ...patch,
});

describe('a send in the console', () => {
  it('prepared: 10 targeted, 3 excluded (2 unsubscribed, 1 without an address) leave 7 messages; zero reasons left out', () => {
    const p = prepared(
      line({ targeted: 10, excluded: { total: 3, unsubscribed: 2, noAddress: 1, invalidAddress: 0 } }),
    );
    expect(p).toEqual({
      targeted: 10,
      messages: 7,
      excluded: [
        ['unsubscribed', 2],
        ['noAddress', 1],
      ],
    });
  });

  it('the delivery report: sent always, the other figures when not 0; rates as percentages, — without a denominator', () => {
    expect(deliveryFigures(line({ sent: 7, delivered: 6, bounced: 1 }))).toEqual([
      ['sent', 7],
      ['delivered', 6],
      ['bounced', 1],
    ]);
    expect(deliveryFigures(line({}))).toEqual([['sent', 0]]);
    expect(percent(6 / 7)).toBe('85.7 %');
    expect(percent(null)).toBe('—');
  });

  it('email, sms and push are channel activities; a query is not', () => {
    expect(['email', 'sms', 'push', 'buildAudience'].map(isChannel)).toEqual([true, true, true, false]);
  });
});
