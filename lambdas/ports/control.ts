/**
 * Run control for the gates: how a gate (or a suspended activity) waits for a resume. In the cloud
 * the task token is stored and the Lambda returns; `resume` sends the token back. Locally the
 * embedded runtime keeps a promise per waiting activity and resolves it on resume.
 */
export interface Parking {
  runId: string;
  activityId: string;
  /** confirm: a channel activity waiting for `orca confirm` (woken by a confirmation only, never by a resume). */
  kind: 'gate' | 'suspended' | 'confirm';
  token: string;
  /** The event that parked, replayed on resume (cloud). */
  event: unknown;
}

export interface RunControl {
  /** 'resumed' when the caller may go on now; 'parked' when it must return and be called back. */
  park(p: Parking): Promise<'resumed' | 'parked'>;
}

/** A token-based callback for tasks that wait (cloud: SendTaskSuccess / SendTaskFailure). */
export interface TaskCallbacks {
  succeed(token: string, output: unknown): Promise<void>;
  fail(token: string, error: string, cause: string): Promise<void>;
}
