/** Where Alert activities send their notifications (an SNS topic in the cloud). */
export interface Alert {
  campaignId: string;
  runId: string;
  activityId: string;
  title: string;
  message: string;
  severity: string;
}

export interface Notifier {
  notify(alert: Alert): Promise<void>;
}
