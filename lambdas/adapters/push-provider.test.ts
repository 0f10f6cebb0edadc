import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EndpointDisabledException,
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import type { OutgoingMessage } from '../ports/channel.js';
import { PushProvider } from './push-provider.js';

const sns = mockClient(SNSClient);
afterAll(() => sns.restore());
beforeEach(() => sns.reset());

const endpoint = 'arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/shop-app/3f1e0c2a-1111-2222-3333-444455556666';
const message: OutgoingMessage = {
  messageId: 'm1',
  campaignId: 'promo',
  runId: 'r1',
  activityId: 'push',
  key: '7',
  to: endpoint,
  channel: 'push',
  push: { title: 'Sale "today"', body: 'All shoes -20%', deepLink: 'shop://sale' },
};
const provider = () =>
  new PushProvider(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:123456789012:app/GCM/shop-app');
const meta = { $metadata: {} };

describe('PushProvider', () => {
  it('publishes to the endpoint with one payload per platform (MessageStructure json)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    expect(await provider().send(message)).toEqual({ status: 'sent', providerId: 'sns-1' });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TargetArn).toBe(endpoint);
    expect(input.MessageStructure).toBe('json');
    // SNS developer guide, platform-specific payloads: each platform's value is its payload as a string.
    const body = JSON.parse(input.Message!);
    expect(body.default).toBe('All shoes -20%');
    expect(JSON.parse(body.APNS)).toEqual({
      aps: { alert: { title: 'Sale "today"', body: 'All shoes -20%' } },
      deepLink: 'shop://sale',
    });
    expect(JSON.parse(body.APNS_SANDBOX)).toEqual(JSON.parse(body.APNS));
    expect(JSON.parse(body.GCM)).toEqual({
      notification: { title: 'Sale "today"', body: 'All shoes -20%' },
      data: { deepLink: 'shop://sale' },
    });
  });

  // SNS API reference, Publish, "Errors": EndpointDisabled (400), InvalidParameter (400), Throttled (429).
  it.each([
    [new EndpointDisabledException({ message: 'Endpoint is disabled', ...meta }), 'failed'],
    [new InvalidParameterException({ message: 'Invalid parameter: TargetArn', ...meta }), 'failed'],
    [new ThrottledException({ message: 'Rate exceeded', ...meta }), 'throttled'],
  ])('maps %s to %s', async (error, status) => {
    sns.on(PublishCommand).rejects(error);
    expect(await provider().send(message)).toEqual({ status, reason: `${error.name}: ${error.message}` });
  });
});
