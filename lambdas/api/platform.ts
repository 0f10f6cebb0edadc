/**
 * What differs between the cloud and the embedded service when campaigns are published and run:
 * deploying a version (a state machine version and a schedule in the cloud), starting an
 * execution, waking parked gates, and stopping executions and their queries.
 */
import type { StateMachineDefinition } from '../../statemachines/asl.js';
import type { ScheduleSpec } from '../../statemachines/schedule.js';
import type { RunRecord } from '../ports/store.js';

export interface StartRequest {
  runId: string;
  campaignId: string;
  version: number;
  definition: StateMachineDefinition;
  /** The deployed machine of the version, when there is one (cloud). */
  machine?: string | undefined;
  input: { run: { runId: string; testMode: boolean; variables: Record<string, unknown> }; trigger: string };
}

export interface Platform {
  /** Makes a published version runnable; returns its deployed machine (cloud) if any. */
  publish(
    campaignId: string,
    version: number,
    definition: StateMachineDefinition,
    schedule: ScheduleSpec | undefined,
  ): Promise<{ machine?: string }>;
  /** Removes what publish deployed that would start runs (the schedule); all of it on delete. */
  retire(campaignId: string, how: 'archive' | 'delete'): Promise<void>;
  /** Starts the execution; returns its handle (execution ARN) when there is one. */
  start(request: StartRequest): Promise<{ execution?: string } | undefined>;
  /** Lets parked gates of a resumed run go on. */
  wake(runId: string): Promise<void>;
  /** Lets a channel activity waiting for a confirmation send; false when it is not waiting for one. */
  confirm(runId: string, activityId: string): Promise<boolean>;
  /** Ends an execution and cancels its queries. */
  stop(run: RunRecord): Promise<void>;
}
