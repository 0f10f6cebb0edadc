/**
 * Every AWS name made from a campaign id fits AWS's limits for the longest id validation allows:
 * "Amazon EventBridge Scheduler API Reference — CreateSchedule" (Name: 1 to 64 characters) and
 * "AWS Step Functions API Reference — CreateStateMachine" (name: 1 to 80 characters).
 */
import { describe, expect, it } from 'vitest';
import { scheduleParts } from './schedule.js';
import { campaignSchema } from './campaign.js';
import { CAMPAIGN_ID, CAMPAIGN_ID_MAX, stateMachineName, testMachineName } from '../lambdas/util/names.js';

const longest = `c${'x'.repeat(CAMPAIGN_ID_MAX - 1)}`;

describe('names made from a campaign id', () => {
  it('the longest id is allowed, one character more is not', () => {
    expect(CAMPAIGN_ID.test(longest)).toBe(true);
    expect(CAMPAIGN_ID.test(`${longest}x`)).toBe(false);
    const problem = campaignSchema.shape.id.safeParse(`${longest}x`);
    expect(problem.error?.issues[0]?.message).toMatch(/at most 54/);
  });

  it('its schedules (the last-day one too) are at most 64 characters', () => {
    const spec = { expression: 'cron(0 9 1,15 * ? *)', lastDay: 'cron(0 9 L * ? *)', timezone: 'UTC' };
    const names = scheduleParts(stateMachineName(longest), spec).map((p) => p.name);
    expect(names).toHaveLength(2);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(64);
  });

  it('its state machines are at most 80 characters', () => {
    expect(stateMachineName(longest).length).toBeLessThanOrEqual(80);
    expect(testMachineName(longest).length).toBeLessThanOrEqual(80);
  });
});
