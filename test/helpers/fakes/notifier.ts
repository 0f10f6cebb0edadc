/** A Notifier that keeps the alerts it was given. */
import type { Alert, Notifier } from '../../../lambdas/ports/notifier.js';

export class RecordingNotifier implements Notifier {
  readonly alerts: Alert[] = [];
  async notify(alert: Alert): Promise<void> {
    this.alerts.push(structuredClone(alert));
  }
}
