/**
 * The sends' cost, hand-computed: SES $0.10 per 1,000 emails ("Amazon SES pricing"), SNS $0.50 per
 * million push notifications ("Amazon SNS pricing"), SMS at the price given; Lambda arm64 at
 * $0.0000133334 per GB-s and $0.20 per million requests; DynamoDB on-demand $1.25 per million writes.
 */
import { describe, expect, it } from 'vitest';
import { PRICES } from './cost.js';
import { chunksOf, estimateSends, sendersAt } from './cost-sends.js';

const line = (lines: ReturnType<typeof estimateSends>, start: string) => lines.find((l) => l.item.startsWith(start))!;

describe('orca cost: the sends', () => {
  it('chunk sizing and senders as the design computes them (10M -> 2,000 chunks of 5,000; 100/s -> 12 senders)', () => {
    expect(chunksOf(10_000_000)).toBe(2000);
    expect(chunksOf(1_000_000)).toBe(200);
    expect(chunksOf(4_999)).toBe(1);
    // 20M rows: K = ceil(20M / 2,000) = 10,000 per chunk, still 2,000 chunks.
    expect(chunksOf(20_000_000)).toBe(2000);
    expect(sendersAt(100)).toBe(12);
    expect(sendersAt(1)).toBe(1);
    expect(sendersAt(10_000)).toBe(40);
  });

  it('1M emails, no throttle: $100 of SES, 200 chunks, 10,000 GB-s, 1,080,000 ledger writes', () => {
    const lines = estimateSends([{ id: 'mail', channel: 'email' }], 1_000_000, PRICES);
    expect(line(lines, 'Email')).toEqual({
      item: 'Email (SES, $0.10 per 1,000)',
      quantity: '1,000,000 messages',
      usd: expect.closeTo(100, 9),
    });
    const lambda = line(lines, 'Send function');
    expect(lambda.quantity).toBe('200 chunks, 10,000 GB-s');
    // 10,000 GB-s x $0.0000133334 + 200 x $0.0000002
    expect(lambda.usd).toBeCloseTo(0.133334 + 0.00004, 9);
    const ledger = line(lines, 'Message ledger');
    expect(ledger.quantity).toBe('1,080,000');
    expect(ledger.usd).toBeCloseTo(1.35, 9);
  });

  it('10M SMS at 100/s: unpriced without --sms-price, $58,100 at $0.00581; 12 senders for 100,000 s', () => {
    const sms = [{ id: 'remind', channel: 'sms' as const, perSecond: 100 }];
    const unpriced = estimateSends(sms, 10_000_000, PRICES);
    expect(line(unpriced, 'SMS')).toEqual({
      item: 'SMS (End User Messaging)',
      quantity: '10,000,000 messages',
      usd: 0,
      note: 'set --sms-price',
    });
    const lambda = line(unpriced, 'Send function');
    expect(lambda.quantity).toBe('2,000 chunks, 1,200,000 GB-s');
    expect(lambda.usd).toBeCloseTo(1_200_000 * 0.0000133334 + 2000 * 0.0000002, 6);
    const priced = estimateSends(sms, 10_000_000, { ...PRICES, smsPrice: 0.00581 });
    expect(line(priced, 'SMS').usd).toBeCloseTo(58_100, 6);
    expect(line(priced, 'SMS').note).toBeUndefined();
  });

  it('2M push notifications: $1; two channel activities count twice; none: no line', () => {
    expect(line(estimateSends([{ id: 'p', channel: 'push' }], 2_000_000, PRICES), 'Push').usd).toBeCloseTo(1, 9);
    const two = estimateSends(
      [
        { id: 'a', channel: 'email' },
        { id: 'b', channel: 'email' },
      ],
      1000,
      PRICES,
    );
    expect(line(two, 'Email').quantity).toBe('2,000 messages');
    expect(line(two, 'Message ledger').quantity).toBe('2,160');
    expect(estimateSends([], 1000, PRICES)).toEqual([]);
  });
});

describe('orca cost of a campaign with a channel activity', () => {
  it('the compiled campaign’s email and throttled SMS activities are priced, each on every profile', async () => {
    const { join } = await import('node:path');
    const { loadCatalog } = await import('../lambdas/catalog/catalog.js');
    const { validateCampaign } = await import('../statemachines/validate.js');
    const { compileCampaign } = await import('../statemachines/compile.js');
    const { AthenaDialect } = await import('../lambdas/sql/dialect.js');
    const { estimateCost, SAMPLE_SHAPE } = await import('./cost.js');
    const catalog = loadCatalog(join(import.meta.dirname, '../examples/catalog.yaml'));
    const doc = {
      id: 'sends',
      label: 'Sends',
      dimension: 'recipients',
      activities: [
        { id: 'all', type: 'buildAudience' },
        { id: 'mail', type: 'email', from: 'news@example.com', subject: 'Hi', text: 'Hello' },
        { id: 'text', type: 'sms', text: 'Hello', address: 'email', throttle: { perSecond: 100 } },
      ],
      transitions: [
        { from: 'all', to: 'mail' },
        { from: 'all', to: 'text' },
      ],
    };
    const v = validateCampaign(doc, catalog, { dialect: new AthenaDialect({ database: 'orca' }) });
    expect(v.analysis, JSON.stringify(v.errors ?? v)).toBeDefined();
    // The machine compiled with the channel activities disabled: compiling a send is ch-core's (it
    // refuses today); the sends' lines come from the analysis, not from the machine.
    const off = { ...doc, activities: doc.activities.map((x) => (x.id === 'all' ? x : { ...x, disabled: true })) };
    const compiled = compileCampaign(
      validateCampaign(off, catalog, { dialect: new AthenaDialect({ database: 'orca' }) }).analysis!,
    );
    const e = estimateCost(v.analysis!, compiled, SAMPLE_SHAPE, 1_000_000, PRICES, { smsPrice: 0.01 });
    expect(e.lines.find((l) => l.item.startsWith('Email'))!.usd).toBeCloseTo(100, 9);
    expect(e.lines.find((l) => l.item.startsWith('SMS'))!.usd).toBeCloseTo(10_000, 9);
    // 1M emails at 0.01 s + 1M SMS at 100/s with 12 senders: 10,000 + 120,000 GB-s.
    expect(e.lines.find((l) => l.item.startsWith('Send function'))!.quantity).toBe('400 chunks, 130,000 GB-s');
    expect(e.total).toBeGreaterThan(10_100);
  });
});
