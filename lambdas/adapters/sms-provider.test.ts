import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConflictException,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { OutgoingMessage } from '../ports/channel.js';
import { SmsProvider } from './sms-provider.js';

const sms = mockClient(PinpointSMSVoiceV2Client);
afterAll(() => sms.restore());
beforeEach(() => sms.reset());

const message: OutgoingMessage = {
  messageId: 'm1',
  campaignId: 'reminder',
  runId: 'r1',
  activityId: 'sms',
  key: '7',
  to: '+33612345678',
  channel: 'sms',
  sms: { text: 'See you tomorrow', parts: 1 },
};
const provider = () =>
  new SmsProvider(new PinpointSMSVoiceV2Client({ region: 'eu-west-1' }), {
    originationIdentity: 'pool-0123456789abcdef',
    configurationSet: 'orca-sms',
  });
const meta = { $metadata: {} };

describe('SmsProvider', () => {
  it('sends SendTextMessage from the origination identity, with the configuration set and the context', async () => {
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-1' });
    expect(await provider().send(message)).toEqual({ status: 'sent', providerId: 'sms-1' });
    expect(sms.commandCalls(SendTextMessageCommand)[0]!.args[0].input).toEqual({
      DestinationPhoneNumber: '+33612345678',
      OriginationIdentity: 'pool-0123456789abcdef',
      MessageBody: 'See you tomorrow',
      MessageType: 'PROMOTIONAL',
      ConfigurationSetName: 'orca-sms',
      Context: { campaign: 'reminder', run: 'r1', activity: 'sms', message: 'm1' },
    });
  });

  it("uses the activity's own sender when it has one", async () => {
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-2' });
    await provider().send({ ...message, sms: { ...message.sms, from: 'SHOP' } } as OutgoingMessage);
    expect(sms.commandCalls(SendTextMessageCommand)[0]!.args[0].input.OriginationIdentity).toBe('SHOP');
  });

  // End User Messaging SMS API v2 reference, SendTextMessage, "Errors": ThrottlingException (429),
  // ValidationException (400), ConflictException (a resource conflict: an opted-out destination).
  it.each([
    [new ThrottlingException({ message: 'Rate exceeded', ...meta }), 'throttled', 'ThrottlingException: Rate exceeded'],
    [
      new ValidationException({ message: 'Invalid phone number', Reason: 'INVALID_PARAMETER', ...meta }),
      'failed',
      'ValidationException (INVALID_PARAMETER): Invalid phone number',
    ],
    [
      new ConflictException({
        message: 'opted out',
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        ResourceType: 'opt-out-list',
        ResourceId: 'Default',
        ...meta,
      }),
      'failed',
      'ConflictException (DESTINATION_PHONE_NUMBER_OPTED_OUT): opted out',
    ],
  ])('maps %s to %s', async (error, status, reason) => {
    sms.on(SendTextMessageCommand).rejects(error);
    expect(await provider().send(message)).toEqual({ status, reason });
  });

  it('throws on an error that is not about the message', async () => {
    sms
      .on(SendTextMessageCommand)
      .rejects(Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }));
    await expect(provider().send(message)).rejects.toThrow('no credentials');
  });
});
