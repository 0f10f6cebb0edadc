import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AccountSuspendedException,
  BadRequestException,
  GetAccountCommand,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  SendEmailCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import type { OutgoingMessage } from '../ports/channel.js';
import { SesProvider, sesTagValue } from './ses-provider.js';

const ses = mockClient(SESv2Client);
afterAll(() => ses.restore());
beforeEach(() => ses.reset());

const message: OutgoingMessage = {
  messageId: '0cc175b9c0f1b6a831c399e269772661',
  campaignId: 'winback',
  runId: 'r1_2026-12-01',
  activityId: 'mail v2',
  key: '42',
  to: 'ann@example.com',
  channel: 'email',
  email: {
    from: 'Shop <news@shop.example>',
    replyTo: 'help@shop.example',
    subject: 'Hi Ann',
    html: '<p>Hi</p>',
    text: 'Hi',
    headers: {
      'List-Unsubscribe': '<https://api.example/u/t.s>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  },
};
const provider = () =>
  new SesProvider(new SESv2Client({ region: 'eu-west-1' }), {
    identity: 'arn:aws:ses:eu-west-1:123456789012:identity/shop.example',
    configurationSet: 'orca-events',
  });
const meta = { $metadata: {} };

describe('SesProvider', () => {
  it('sends one SendEmail with Content.Simple, the headers, the configuration set and the tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    expect(await provider().send(message)).toEqual({ status: 'sent', providerId: 'ses-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'Shop <news@shop.example>',
      FromEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/shop.example',
      Destination: { ToAddresses: ['ann@example.com'] },
      ReplyToAddresses: ['help@shop.example'],
      Content: {
        Simple: {
          Subject: { Data: 'Hi Ann', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>Hi</p>', Charset: 'UTF-8' }, Text: { Data: 'Hi', Charset: 'UTF-8' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://api.example/u/t.s>' },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
      ConfigurationSetName: 'orca-events',
      // SES API v2 reference, MessageTag: values only ASCII letters, digits, _ and -, <= 256 characters.
      EmailTags: [
        { Name: 'campaign', Value: 'winback' },
        { Name: 'run', Value: 'r1_2026-12-01' },
        { Name: 'activity', Value: 'mail_v2' },
        { Name: 'message', Value: '0cc175b9c0f1b6a831c399e269772661' },
      ],
    });
  });

  it('makes tag values SES accepts', () => {
    expect(sesTagValue('a.b/c é')).toBe('a_b_c__');
    expect(sesTagValue('x'.repeat(300))).toHaveLength(256);
    expect(sesTagValue('')).toBe('_');
  });

  // SES API v2 reference, SendEmail, "Errors": TooManyRequestsException (429), LimitExceededException
  // (400: a sending limit), MessageRejected, MailFromDomainNotVerifiedException, AccountSuspendedException,
  // NotFoundException (404: a resource such as the identity does not exist), BadRequestException.
  it.each([
    [new TooManyRequestsException({ message: 'Too many requests', ...meta }), 'throttled'],
    [new LimitExceededException({ message: 'Maximum sending rate exceeded.', ...meta }), 'throttled'],
    [new MessageRejected({ message: 'Email address is not verified.', ...meta }), 'failed'],
    [new MailFromDomainNotVerifiedException({ message: 'MAIL FROM not verified', ...meta }), 'failed'],
    [new AccountSuspendedException({ message: 'suspended', ...meta }), 'failed'],
    [new NotFoundException({ message: 'Identity shop.example does not exist', ...meta }), 'failed'],
    [new BadRequestException({ message: 'Illegal address', ...meta }), 'failed'],
  ])('maps %s to %s, with its reason', async (error, status) => {
    ses.on(SendEmailCommand).rejects(error);
    expect(await provider().send(message)).toEqual({ status, reason: `${error.name}: ${error.message}` });
  });

  it('throws what is not about the message (credentials, network): the chunk attempt fails', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    await expect(provider().send(message)).rejects.toThrow('ECONNREFUSED');
  });

  it('reads the maximum send rate once from GetAccount SendQuota.MaxSendRate', async () => {
    ses.on(GetAccountCommand).resolves({ SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 } });
    const p = provider();
    expect(await p.maxPerSecond()).toBe(14);
    expect(await p.maxPerSecond()).toBe(14);
    expect(ses.commandCalls(GetAccountCommand)).toHaveLength(1);
  });
});
