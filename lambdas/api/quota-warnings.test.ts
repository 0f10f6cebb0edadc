/**
 * Publication's quota warning, through the router (POST /campaigns/{id}/publish) with the SES
 * provider on a mocked SES v2 client ("Amazon SES API v2 Reference — GetAccount": SendQuota.MaxSendRate
 * is "the maximum number of emails that Amazon SES can accept from your account each second").
 */
import { GetAccountCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SesProvider } from '../adapters/ses-provider.js';
import { DuckDbDialect } from '../sql/dialect.js';
import { tinyCatalog } from '../../test/fixtures/tiny.js';
import { DATA_ROOT, MemoryStore, RecordingEngine } from '../../test/helpers/fakes/index.js';
import { NullPlatform } from '../../test/helpers/api-service.js';
import type { Providers } from '../ports/channel.js';
import { handle } from './router.js';
import { CampaignService } from './service.js';

const ses = mockClient(SESv2Client);
afterAll(() => ses.restore());
beforeEach(() => ses.reset());

const campaign = (perSecond: number) => ({
  id: 'news',
  label: 'news',
  dimension: 'recipients',
  activities: [
    { id: 'a', type: 'buildAudience', query: { attribute: 'balance', operator: 'greater', value: 100 } },
    {
      id: 'mail',
      type: 'email',
      from: 'news@example.com',
      subject: 'Hello {{ first_name }}',
      text: 'Hi {{ first_name }}',
      address: 'email',
      throttle: { perSecond },
    },
  ],
  transitions: [{ from: 'a', to: 'mail' }],
});

async function publish(perSecond: number, providers?: Providers) {
  const service = new CampaignService({
    store: new MemoryStore(),
    engine: new RecordingEngine(),
    catalog: tinyCatalog(),
    platform: new NullPlatform(),
    dialect: new DuckDbDialect(DATA_ROOT),
    newRunId: () => 'run-1',
    clock: () => new Date('2026-11-22T12:00:00Z'),
    ...(providers ? { providers } : {}),
  });
  const call = (method: string, path: string, body?: unknown) =>
    handle(service, {
      method,
      path,
      query: {},
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      actor: 'test',
    });
  expect((await call('POST', '/campaigns', campaign(perSecond))).status).toBe(201);
  const r = await call('POST', '/campaigns/news/publish');
  return { status: r.status, body: JSON.parse(r.body) as { warnings: Array<Record<string, unknown>> } };
}

const sesProvider = () =>
  ({ email: new SesProvider(new SESv2Client({ region: 'eu-west-1' }), { identity: 'example.com' }) }) as Providers;

describe('publication warns when a throttle is above the provider’s rate', () => {
  it('email at 50/s with an SES account accepting 14/s: a warning naming the activity and the field', async () => {
    ses.on(GetAccountCommand).resolves({ SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 } });
    const r = await publish(50, sesProvider());
    expect(r.status).toBe(200);
    const quota = r.body.warnings.filter((w) => String(w.path).endsWith('.throttle.perSecond'));
    expect(quota).toEqual([
      {
        activity: 'mail',
        path: 'activities[1].throttle.perSecond',
        message: expect.stringMatching(
          /^throttle\.perSecond 50 is above the sending rate of SES .*, 14 messages per second/,
        ),
      },
    ]);
    // One GetAccount call, nothing sent.
    expect(ses.commandCalls(GetAccountCommand)).toHaveLength(1);
    expect(ses.calls()).toHaveLength(1);
  });

  it('at or below the rate: no warning (14/s on a 14/s account)', async () => {
    ses.on(GetAccountCommand).resolves({ SendQuota: { MaxSendRate: 14 } });
    const r = await publish(14, sesProvider());
    expect(r.status).toBe(200);
    expect(r.body.warnings.filter((w) => String(w.path).endsWith('.throttle.perSecond'))).toEqual([]);
  });

  it('the rate cannot be read (AccessDenied): publication goes on, with a warning saying the rate was not checked', async () => {
    ses.on(GetAccountCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ses:GetAccount'), {
        name: 'AccessDeniedException',
      }),
    );
    const r = await publish(50, sesProvider());
    expect(r.status).toBe(200);
    expect(r.body.warnings.filter((w) => String(w.path).endsWith('.throttle.perSecond'))).toEqual([
      {
        activity: 'mail',
        path: 'activities[1].throttle.perSecond',
        message: expect.stringContaining(
          'could not be read (User is not authorized to perform: ses:GetAccount): 50 messages per second is not checked',
        ),
      },
    ]);
  });

  it('no provider with a known rate (local outbox, SMS, or no channels): nothing is asked, no warning', async () => {
    const r = await publish(50);
    expect(r.status).toBe(200);
    expect(r.body.warnings.filter((w) => String(w.path).endsWith('.throttle.perSecond'))).toEqual([]);
    expect(ses.calls()).toHaveLength(0);
  });
});
