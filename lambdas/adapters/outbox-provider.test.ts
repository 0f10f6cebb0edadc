import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { OutgoingMessage } from '../ports/channel.js';
import { OutboxProvider } from './outbox-provider.js';
import { listOutboxRuns, outboxFolder, readOutboxIndex } from './outbox-files.js';
import { awsProviders, localProviders } from './providers.js';

const root = mkdtempSync(join(tmpdir(), 'orca-outbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = () => new Date('2026-12-01T10:00:00.000Z');
const base = { campaignId: 'winback', runId: 'r1', activityId: 'mail', key: '42' };

describe('OutboxProvider', () => {
  it('writes an RFC 822 .eml and an index line per email', async () => {
    const p = new OutboxProvider('email', root, at);
    const m: OutgoingMessage = {
      ...base,
      messageId: 'aaa111',
      to: 'ann@example.com',
      channel: 'email',
      email: {
        from: 'news@shop.example',
        subject: 'Hi Ann',
        html: '<p>Hi</p>',
        text: 'Hi',
        headers: {
          'List-Unsubscribe': '<http://127.0.0.1:7777/u/t.s>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      },
    };
    expect(await p.send(m)).toEqual({ status: 'sent', providerId: 'aaa111.eml', delivered: true });
    const eml = readFileSync(join(root, 'outbox', 'r1', 'aaa111.eml'));
    // RFC 5322 §2.1: lines end with CRLF.
    expect(eml.toString()).toMatch(/^[^\n]*\r\n/);
    const mail = await simpleParser(eml);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe('ann@example.com');
    expect(mail.subject).toBe('Hi Ann');
    expect(mail.html).toBe('<p>Hi</p>');
    expect(mail.text).toBe('Hi');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe(
      'List-Unsubscribe: <http://127.0.0.1:7777/u/t.s>',
    );
    expect(await readOutboxIndex(root, 'r1')).toEqual([
      {
        messageId: 'aaa111',
        channel: 'email',
        to: 'ann@example.com',
        file: 'aaa111.eml',
        at: '2026-12-01T10:00:00.000Z',
        ...base,
        summary: 'Hi Ann',
      },
    ]);
    await p.close();
  });

  it('writes SMS and push messages as JSON in the same folder and index', async () => {
    const sms = new OutboxProvider('sms', root, at);
    const push = new OutboxProvider('push', root, at);
    await sms.send({
      ...base,
      messageId: 'bbb222',
      to: '+33612345678',
      channel: 'sms',
      sms: { text: 'See you', parts: 1 },
    });
    await push.send({
      ...base,
      messageId: 'ccc333',
      to: 'device-1',
      channel: 'push',
      push: { title: 'Sale', body: 'Now' },
    });
    expect(JSON.parse(readFileSync(join(root, 'outbox', 'r1', 'bbb222.sms.json'), 'utf8'))).toEqual({
      channel: 'sms',
      ...base,
      messageId: 'bbb222',
      to: '+33612345678',
      sms: { text: 'See you', parts: 1 },
    });
    expect(JSON.parse(readFileSync(join(root, 'outbox', 'r1', 'ccc333.push.json'), 'utf8')).push).toEqual({
      title: 'Sale',
      body: 'Now',
    });
    expect((await readOutboxIndex(root, 'r1')).map((e) => [e.file, e.summary])).toEqual([
      ['aaa111.eml', 'Hi Ann'],
      ['bbb222.sms.json', 'See you'],
      ['ccc333.push.json', 'Sale'],
    ]);
    expect((await listOutboxRuns(root)).map((r) => r.runId)).toEqual(['r1']);
  });

  it('stays inside the data folder: ids with separators or .. are refused', async () => {
    const p = new OutboxProvider('sms', root, at);
    await expect(
      p.send({ ...base, runId: '../../etc', messageId: 'x', to: '+1', channel: 'sms', sms: { text: 'x' } }),
    ).rejects.toThrow(/not a run id/);
    await expect(p.send({ ...base, messageId: '../x', to: '+1', channel: 'sms', sms: { text: 'x' } })).rejects.toThrow(
      /not a message id/,
    );
    expect(() => outboxFolder(root, '..')).toThrow(/not a run id/);
    expect(await readOutboxIndex(root, 'no-such-run')).toEqual([]);
  });

  it('refuses a message of another channel as a failed outcome', async () => {
    const p = new OutboxProvider('push', root, at);
    expect(await p.send({ ...base, messageId: 'd', to: '+1', channel: 'sms', sms: { text: 'x' } })).toEqual({
      status: 'failed',
      reason: 'this outbox takes push messages, not sms',
    });
  });
});

describe('providers by deployment', () => {
  it('locally: the outbox for every channel unless an SMTP server is given', () => {
    const p = localProviders({ dataRoot: root });
    expect(Object.fromEntries(Object.entries(p).map(([c, v]) => [c, v.description]))).toEqual({
      email: `outbox folder ${join(root, 'outbox')}`,
      sms: `outbox folder ${join(root, 'outbox')}`,
      push: `outbox folder ${join(root, 'outbox')}`,
    });
  });

  it('in the cloud: each channel whose identity the environment names', () => {
    expect(awsProviders({})).toEqual({});
    const p = awsProviders({
      ORCA_SES_IDENTITY: 'shop.example',
      ORCA_SES_CONFIGURATION_SET: 'orca-events',
      ORCA_SMS_ORIGINATION_IDENTITY: '+15555550100',
      ORCA_PUSH_PLATFORM_APPLICATION: 'arn:aws:sns:eu-west-1:123456789012:app/GCM/shop',
    });
    expect(p.email?.description).toBe('SES (identity shop.example, configuration set orca-events)');
    expect(p.sms?.description).toBe('End User Messaging SMS (+15555550100)');
    expect(p.push?.description).toBe('SNS mobile push (arn:aws:sns:eu-west-1:123456789012:app/GCM/shop)');
  });
});
