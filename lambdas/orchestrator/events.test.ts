/**
 * Provider events -> recorded events and opt-outs. The samples are written by hand from the
 * documented formats: "Amazon SES Developer Guide — Contents of event data that Amazon SES
 * publishes" (eventType, mail.tags as name -> [values], bounce.bounceType, bouncedRecipients,
 * complaint.complainedRecipients, open/click/delivery timestamps), delivered by EventBridge as the
 * event's `detail` (source aws.ses); "AWS End User Messaging SMS User Guide — Messaging events" (the
 * SMS example log: eventType, eventTimestamp in epoch ms, destinationPhoneNumber, isFinal, context)
 * delivered by an SNS event destination (a Lambda SNS event, Records[].Sns.Message).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryReportStore } from '../../test/helpers/fakes/reports.js';
import { FolderObjects } from '../../test/helpers/fakes/objects.js';
import { providerEvents, recordProviderEvents } from './events.js';

const tags = (messageId: string) => ({
  orca_message: [messageId],
  orca_campaign: ['news'],
  orca_run: ['R1'],
  orca_activity: ['mail'],
  'ses:configuration-set': ['orca'],
});

const mail = (messageId: string, to = 'ann@example.com') => ({
  timestamp: '2026-12-01T09:00:00.000Z',
  source: 'News <news@example.com>',
  messageId: `ses-${messageId}`,
  destination: [to],
  headersTruncated: false,
  tags: tags(messageId),
});

/** An EventBridge event from an SES configuration set's event destination. */
const bridge = (detailType: string, detail: unknown) => ({
  version: '0',
  id: 'e-1',
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-12-01T09:05:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

const open = (id: string, at: string) =>
  bridge('Email Opened', {
    eventType: 'Open',
    mail: mail(id),
    open: { timestamp: at, userAgent: 'Mozilla/5.0', ipAddress: '192.0.2.1' },
  });

const sns = (message: unknown) => ({
  Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: JSON.stringify(message) } }],
});

const sms = (id: string, eventType: string, extra: Record<string, unknown> = {}) => ({
  eventType,
  eventVersion: '1.0',
  eventTimestamp: Date.UTC(2026, 11, 1, 9, 1, 0),
  isFinal: true,
  originationPhoneNumber: '+12065550152',
  destinationPhoneNumber: '+14255550156',
  messageId: `sms-${id}`,
  messageStatus: eventType.replace('TEXT_', ''),
  context: { orca_message: id, orca_campaign: 'news', orca_run: 'R1', orca_activity: 'text' },
  ...extra,
});

const objects = new FolderObjects();
afterAll(() => objects.remove());

function setup() {
  const reports = new MemoryReportStore();
  for (const id of ['m1', 'm2', 'm3', 'm4', 's1', 's2'])
    reports.sent(id, { campaignId: 'news', runId: 'R1', activityId: id.startsWith('s') ? 'text' : 'mail' });
  const logged: string[] = [];
  return { reports, logged, deps: { reports, objects, log: (m: string) => logged.push(m), now: () => 0 } };
}

describe('SES events from EventBridge', () => {
  it('records delivery, first open and click; a second open counts nothing', async () => {
    const { reports, deps } = setup();
    await recordProviderEvents(
      bridge('Email Delivered', {
        eventType: 'Delivery',
        mail: mail('m1'),
        delivery: { timestamp: '2026-12-01T09:00:02.000Z', recipients: ['ann@example.com'] },
      }),
      deps,
    );
    expect(await recordProviderEvents(open('m1', '2026-12-01T10:00:00.000Z'), deps)).toEqual({
      recorded: 1,
      duplicates: 0,
      ignored: 0,
      optOuts: 0,
    });
    expect(await recordProviderEvents(open('m1', '2026-12-01T11:00:00.000Z'), deps)).toMatchObject({
      recorded: 0,
      duplicates: 1,
    });
    await recordProviderEvents(
      bridge('Email Clicked', {
        eventType: 'Click',
        mail: mail('m1'),
        click: { timestamp: '2026-12-01T10:01:00.000Z', link: 'https://example.com/a', linkTags: {} },
      }),
      deps,
    );
    expect(reports.messages.get('m1')!.events).toEqual({
      delivered: '2026-12-01T09:00:02.000Z',
      opened: '2026-12-01T10:00:00.000Z',
      clicked: '2026-12-01T10:01:00.000Z',
    });
    expect(await reports.counters('news', 'R1')).toEqual([
      { runId: 'R1', activityId: 'mail', delivered: 1, opened: 1, clicked: 1 },
    ]);
  });

  it('a hard bounce and a complaint suppress the address (an opt-out record each); a soft bounce does nothing', async () => {
    const { reports, deps, logged } = setup();
    const bounce = (type: string) =>
      bridge('Email Bounced', {
        eventType: 'Bounce',
        mail: mail('m2', 'Bob@Example.com'),
        bounce: {
          bounceType: type,
          bounceSubType: 'General',
          bouncedRecipients: [
            { emailAddress: 'Bob@Example.com', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550' },
          ],
          timestamp: '2026-12-01T09:00:03.000Z',
          feedbackId: 'f-1',
        },
      });
    expect(await recordProviderEvents(bounce('Transient'), deps)).toMatchObject({ recorded: 0, ignored: 1 });
    expect(logged[0]).toMatch(/Transient, not a hard bounce/);
    expect(await recordProviderEvents(bounce('Permanent'), deps)).toMatchObject({ recorded: 1, optOuts: 1 });
    // EventBridge delivers at least once: the same bounce again rewrites the same record.
    await recordProviderEvents(bounce('Permanent'), deps);
    await recordProviderEvents(
      bridge('Email Complaint Received', {
        eventType: 'Complaint',
        mail: mail('m3', 'cy@example.com'),
        complaint: {
          complainedRecipients: [{ emailAddress: 'cy@example.com' }],
          timestamp: '2026-12-02T08:00:00.000Z',
          feedbackId: 'f-2',
          complaintFeedbackType: 'abuse',
        },
      }),
      deps,
    );
    const rows = await objects.lines('channels/optouts/channel=email/');
    expect(rows).toEqual([
      {
        address: 'bob@example.com',
        channel: 'email',
        reason: 'bounced',
        at: '2026-12-01T09:00:03.000Z',
        campaign_id: 'news',
        run_id: 'R1',
        message_id: 'm2',
      },
      {
        address: 'cy@example.com',
        channel: 'email',
        reason: 'complained',
        at: '2026-12-02T08:00:00.000Z',
        campaign_id: 'news',
        run_id: 'R1',
        message_id: 'm3',
      },
    ]);
    const keys = (await objects.list('channels/optouts/')).map((o) => o.key);
    expect(keys[0]).toMatch(/^channels\/optouts\/channel=email\/day=2026-12-01\/[0-9a-f-]{36}\.jsonl$/);
    expect(keys[1]).toMatch(/^channels\/optouts\/channel=email\/day=2026-12-02\//);
    expect(await reports.counters('news', 'R1')).toEqual([
      { runId: 'R1', activityId: 'mail', bounced: 1, complained: 1 },
    ]);
  });

  it('Send, Reject, Rendering Failure, DeliveryDelay and Subscription change no counter', async () => {
    const { reports, deps } = setup();
    for (const eventType of ['Send', 'Reject', 'Rendering Failure', 'DeliveryDelay', 'Subscription'])
      expect(await recordProviderEvents(bridge('x', { eventType, mail: mail('m4') }), deps)).toMatchObject({
        ignored: 1,
        recorded: 0,
      });
    expect(await reports.counters('news')).toEqual([]);
  });

  it('malformed and foreign events are logged and ignored, never thrown', async () => {
    const { deps, logged } = setup();
    const bad: unknown[] = [
      null,
      'text',
      42,
      [],
      {},
      { source: 'aws.ec2', detail: {} },
      bridge('Email Opened', null),
      bridge('Email Opened', { eventType: 'Open' }),
      bridge('Email Opened', { eventType: 'Open', mail: { tags: 'nope' } }),
      bridge('Email Opened', { eventType: 'Open', mail: { tags: { orca_message: [] } } }),
      { Records: [null, {}, { Sns: { Message: '{not json' } }, { Sns: { Message: '[]' } }] },
      { Records: 'x' },
    ];
    for (const b of bad) await expect(recordProviderEvents(b, deps)).resolves.toMatchObject({ recorded: 0 });
    expect(logged.length).toBeGreaterThanOrEqual(bad.length);
    expect(logged.every((l) => l.startsWith('event ignored: '))).toBe(true);
  });

  it('an event of a message orca does not know counts nothing', async () => {
    const { reports, deps } = setup();
    expect(await recordProviderEvents(open('other', '2026-12-01T10:00:00.000Z'), deps)).toMatchObject({
      recorded: 0,
      duplicates: 1,
    });
    expect(await reports.counters('news')).toEqual([]);
  });
});

describe('SMS events from an SNS event destination', () => {
  it('TEXT_DELIVERED and TEXT_SUCCESSFUL are one delivery; TEXT_INVALID is a bounce that suppresses the number', async () => {
    const { reports, deps } = setup();
    await recordProviderEvents(sns(sms('s1', 'TEXT_SUCCESSFUL')), deps);
    await recordProviderEvents(sns(sms('s1', 'TEXT_DELIVERED')), deps);
    expect(await recordProviderEvents(sns(sms('s2', 'TEXT_PENDING', { isFinal: false })), deps)).toMatchObject({
      ignored: 1,
    });
    expect(await recordProviderEvents(sns(sms('s2', 'TEXT_INVALID')), deps)).toMatchObject({
      recorded: 1,
      optOuts: 1,
    });
    expect(reports.messages.get('s1')!.events).toEqual({ delivered: '2026-12-01T09:01:00.000Z' });
    expect(await reports.counters('news', 'R1')).toEqual([
      { runId: 'R1', activityId: 'text', delivered: 1, bounced: 1 },
    ]);
    expect(await objects.lines('channels/optouts/channel=sms/')).toEqual([
      {
        address: '+14255550156',
        channel: 'sms',
        reason: 'bounced',
        at: '2026-12-01T09:01:00.000Z',
        campaign_id: 'news',
        run_id: 'R1',
        message_id: 's2',
      },
    ]);
  });

  it('a temporary failure counts as bounced without suppressing; an event without orca context is ignored', async () => {
    const { reports, deps } = setup();
    await recordProviderEvents(sns(sms('s1', 'TEXT_CARRIER_UNREACHABLE')), deps);
    expect(await recordProviderEvents(sns({ ...sms('s2', 'TEXT_DELIVERED'), context: {} }), deps)).toMatchObject({
      ignored: 1,
    });
    expect(await reports.counters('news')).toEqual([{ runId: 'R1', activityId: 'text', bounced: 1 }]);
    expect((await objects.lines('channels/optouts/channel=sms/')).map((r) => r.message_id)).toEqual(['s2']);
  });

  it('parses the documented delivery event inside a Lambda SNS event; the EventBridge copy (no context) is not a message orca can match', () => {
    // The Lambda SNS event ("AWS Lambda Developer Guide — Using Lambda with Amazon SNS": the
    // example event) around the event data of "AWS End User Messaging SMS User Guide — Example
    // event data" (a TEXT_DELIVERED event, its context the map SendTextMessage was given).
    const data = {
      eventType: 'TEXT_DELIVERED',
      eventVersion: '1.0',
      eventTimestamp: 1764579661000,
      isFinal: true,
      originationPhoneNumber: '+18005550100',
      destinationPhoneNumber: '+14255550199',
      isoCountryCode: 'US',
      mcc: '310',
      mnc: '800',
      carrierName: 'Example Corp',
      messageId: '9539975a-e71f-45f3-b496-8d98dc098a77',
      messageRequestTimestamp: 1764579660000,
      messageEncoding: 'GSM',
      messageType: 'PROMOTIONAL',
      messageStatus: 'DELIVERED',
      messageStatusDescription: 'Message has been accepted by phone',
      context: { orca_message: 's1', orca_campaign: 'news', orca_run: 'R1', orca_activity: 'text' },
      totalMessageParts: 1,
      totalMessagePrice: 0.00581,
      totalCarrierFee: 0.003,
    };
    const lambdaSnsEvent = {
      Records: [
        {
          EventVersion: '1.0',
          EventSubscriptionArn:
            'arn:aws:sns:eu-west-1:123456789012:orca-sms-events:0b3c2a1e-5f1a-4f3e-9a6b-1d2c3b4a5f6e',
          EventSource: 'aws:sns',
          Sns: {
            SignatureVersion: '1',
            Timestamp: '2025-12-01T09:01:01.000Z',
            Signature: 'EXAMPLE',
            SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem',
            MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
            Message: JSON.stringify(data),
            MessageAttributes: {},
            Type: 'Notification',
            UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orca-sms-events',
            Subject: null,
          },
        },
      ],
    };
    expect(providerEvents(lambdaSnsEvent, 0)).toEqual([
      {
        channel: 'sms',
        messageId: 's1',
        event: 'delivered',
        // 1764579661000 ms = 2025-12-01T09:01:01Z
        at: '2025-12-01T09:01:01.000Z',
        campaignId: 'news',
        runId: 'R1',
      },
    ]);
    // "AWS End User Messaging SMS User Guide — Monitoring with EventBridge": the delivered-message
    // example as published; its detail has neither context nor destinationPhoneNumber.
    const bridged = {
      version: '0',
      id: '15226fe5-c283-a862-e5e5-0a29ad450fd9',
      'detail-type': 'Text Message Delivery Status Updated',
      source: 'aws.sms-voice',
      account: '123456789123',
      time: '2024-10-16T17:21:40Z',
      region: 'eu-west-2',
      resources: [],
      detail: {
        eventType: 'TEXT_DELIVERED',
        eventVersion: '1.0',
        eventTimestamp: 1729099299998,
        isFinal: true,
        originationPhoneNumber: '+18445550123',
        isoCountryCode: 'US',
        messageId: '9539975a-e71f-45f3-b496-8d98dc098a77',
        messageStatus: 'DELIVERED',
      },
    };
    expect(providerEvents(bridged, 0)).toEqual([expect.stringContaining('not SES or SMS')]);
  });
});
