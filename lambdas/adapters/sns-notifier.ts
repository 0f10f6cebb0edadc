/** Alerts in the cloud: published to the campaign supervisors' SNS topic. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, Notifier } from '../ports/notifier.js';

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(alert: Alert): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects: at most 100 printable ASCII characters.
        Subject: `[orca] ${alert.title}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        Message: `${alert.message}\n\ncampaign: ${alert.campaignId}\nrun: ${alert.runId}\nactivity: ${alert.activityId}\nseverity: ${alert.severity}`,
        MessageAttributes: {
          campaign: { DataType: 'String', StringValue: alert.campaignId },
          severity: { DataType: 'String', StringValue: alert.severity },
        },
      }),
    );
  }
}
