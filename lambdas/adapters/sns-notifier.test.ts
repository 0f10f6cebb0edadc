import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from './sns-notifier.js';

describe('SnsNotifier', () => {
  it('publishes an alert to the topic, with a subject SNS accepts', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await new SnsNotifier(new SNSClient({}), 'arn:aws:sns:eu-west-1:123456789012:orca-alerts').notify({
      campaignId: 'winback',
      runId: 'r1',
      activityId: 'warn',
      title: 'Peu de VIP cette semaine — vérifier',
      message: 'Fewer than 50 VIPs',
      severity: 'warning',
    });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orca-alerts',
      Subject: '[orca] Peu de VIP cette semaine ? v?rifier',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'warning' } },
    });
    expect(input.Message).toContain('campaign: winback\nrun: r1\nactivity: warn');
  });
});
