/**
 * Publishing and running campaigns in the cloud, for the API: a published version is a state
 * machine version (`orca-<campaign>`, created or updated, tagged as the API's) and, when the
 * trigger is a schedule, an EventBridge Scheduler schedule that starts that version (two, `orca-<campaign>`
 * and `orca-<campaign>_last`, for a monthly trigger listing 'last' with other days). Test runs of
 * a draft use `orca-<campaign>_test`. Stop ends the execution and cancels the queries it started.
 * Machines deployed as code (cdk deploy) are left to CloudFormation.
 */
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  ListTagsForResourceCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
  type SchedulerClient,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { BatchGetQueryExecutionCommand, StopQueryExecutionCommand, type AthenaClient } from '@aws-sdk/client-athena';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Platform, StartRequest } from '../api/platform.js';
import { conflict } from '../api/errors.js';
import type { StateMachineDefinition } from '../../statemachines/asl.js';
import { substituteNames } from '../../statemachines/asl.js';
import {
  isOneOff,
  LAST_DAY_SCHEDULE_SUFFIX,
  scheduleParts,
  schedulerWindow,
  type ScheduleSpec,
} from '../../statemachines/schedule.js';
import type { ParkingStore, RunRecord } from '../ports/store.js';
import { executionArn, stateMachineArn, stateMachineName, testMachineName, type AwsLocation } from '../util/names.js';
import { confirmParked, wakeParked } from './cloud-control.js';
import { isAwsError } from './aws-errors.js';
import { athenaResultsLocation } from '../layout.js';
import { RunStopped } from '../util/errors.js';

export interface CloudPlatformOptions extends AwsLocation {
  sfn: SFNClient;
  scheduler: SchedulerClient;
  athena: AthenaClient;
  lambda: LambdaClient;
  store: ParkingStore;
  machineRoleArn: string;
  schedulerRoleArn: string;
  logGroupArn: string;
  /** The functions the machines invoke (send: the chunk senders of channel activities). */
  functions: { control: string; gate: string; record: string; send?: string };
  workGroup: string;
  /** The Glue database the queries run in. */
  database: string;
  /** The data bucket (Athena's results go to its athena-results/ prefix). */
  bucket: string;
  clock?: () => number;
}

const SOURCE_TAG = 'orca:source';

export class CloudPlatform implements Platform {
  constructor(private readonly o: CloudPlatformOptions) {}

  private machineArn(name: string): string {
    return stateMachineArn(this.o, name);
  }

  /** The compiled definition with this deployment's names, as CloudFormation substitutes them. */
  definitionText(definition: StateMachineDefinition): string {
    return substituteNames(definition, {
      ...this.o.functions,
      workGroup: this.o.workGroup,
      database: this.o.database,
      results: athenaResultsLocation(this.o.bucket),
    });
  }

  /** Creates or updates a machine; with publish, returns the new version's ARN. */
  private async upsert(
    name: string,
    definition: StateMachineDefinition,
    description: string,
    publish: boolean,
  ): Promise<string> {
    const common = {
      definition: this.definitionText(definition),
      roleArn: this.o.machineRoleArn,
      loggingConfiguration: {
        level: 'ALL' as const,
        includeExecutionData: false,
        destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: this.o.logGroupArn } }],
      },
      tracingConfiguration: { enabled: true },
      ...(publish ? { publish: true, versionDescription: description } : {}),
    };
    try {
      const r = await this.o.sfn.send(
        new CreateStateMachineCommand({ name, type: 'STANDARD', ...common, tags: [{ key: SOURCE_TAG, value: 'api' }] }),
      );
      return r.stateMachineVersionArn ?? r.stateMachineArn!;
    } catch (e) {
      if (!isAwsError(e, 'StateMachineAlreadyExists')) throw e;
    }
    const arn = this.machineArn(name);
    const tags = await this.o.sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    if (!tags.tags?.some((t) => t.key === SOURCE_TAG && t.value === 'api')) {
      throw conflict(
        `the state machine ${name} is deployed as code (cdk deploy): change its campaign file and deploy, or publish this campaign under another id`,
      );
    }
    const r = await this.o.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, ...common }));
    return r.stateMachineVersionArn ?? arn;
  }

  async publish(
    campaignId: string,
    version: number,
    definition: StateMachineDefinition,
    schedule: ScheduleSpec | undefined,
  ): Promise<{ machine?: string }> {
    const machine = await this.upsert(stateMachineName(campaignId), definition, `version ${version}`, true);
    const name = stateMachineName(campaignId);
    if (!schedule) {
      await this.deleteSchedules(name);
      return { machine };
    }
    const window = schedulerWindow(schedule, new Date((this.o.clock ?? Date.now)()));
    const parts = scheduleParts(name, schedule);
    for (const part of parts) {
      const input: CreateScheduleCommandInput = {
        Name: part.name,
        Description: `orca campaign ${campaignId}, version ${version}${part.name === name ? '' : ' (last day of the month)'}`,
        ScheduleExpression: part.expression,
        ScheduleExpressionTimezone: schedule.timezone,
        ...(window.start ? { StartDate: window.start } : {}),
        ...(window.end ? { EndDate: window.end } : {}),
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        // A one-off schedule is deleted once it has fired.
        ...(isOneOff(schedule) ? { ActionAfterCompletion: 'DELETE' as const } : {}),
        Target: {
          Arn: machine,
          RoleArn: this.o.schedulerRoleArn,
          Input: JSON.stringify({ trigger: 'schedule', run: { version } }),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        },
      };
      try {
        await this.o.scheduler.send(new CreateScheduleCommand(input));
      } catch (e) {
        if (!isAwsError(e, 'ConflictException')) throw e;
        await this.o.scheduler.send(new UpdateScheduleCommand(input));
      }
    }
    // A previous version's last-day schedule, which this one no longer has.
    if (parts.length === 1) await this.deleteSchedule(`${name}${LAST_DAY_SCHEDULE_SUFFIX}`);
    return { machine };
  }

  /** The campaign's schedules: its own, and its last-day one if it has one. */
  private async deleteSchedules(name: string): Promise<void> {
    await this.deleteSchedule(name);
    await this.deleteSchedule(`${name}${LAST_DAY_SCHEDULE_SUFFIX}`);
  }

  private async deleteSchedule(name: string): Promise<void> {
    try {
      await this.o.scheduler.send(new DeleteScheduleCommand({ Name: name }));
    } catch (e) {
      if (!isAwsError(e, 'ResourceNotFoundException')) throw e;
    }
  }

  async retire(campaignId: string, how: 'archive' | 'delete'): Promise<void> {
    await this.deleteSchedules(stateMachineName(campaignId));
    if (how === 'delete') {
      for (const name of [stateMachineName(campaignId), testMachineName(campaignId)]) {
        await this.o.sfn
          .send(new DeleteStateMachineCommand({ stateMachineArn: this.machineArn(name) }))
          .catch(() => undefined);
      }
    }
  }

  async start(r: StartRequest): Promise<{ execution: string }> {
    // A test run of a draft runs its working copy on a machine of its own.
    const machine =
      r.machine ??
      (await this.upsert(testMachineName(r.campaignId), r.definition, 'test runs of the working copy', false));
    const out = await this.o.sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: r.runId, input: JSON.stringify(r.input) }),
    );
    return { execution: out.executionArn! };
  }

  async wake(runId: string): Promise<void> {
    await wakeParked(this.o.store, this.o.lambda, this.o.functions.gate, runId);
  }

  confirm(runId: string, activityId: string): Promise<boolean> {
    return confirmParked(this.o.store, this.o.lambda, this.o.functions.gate, runId, activityId);
  }

  async stop(run: RunRecord): Promise<void> {
    // Runs started through the API are executions named after the run, whose ARN is recorded
    // just after the start; a stop sent in between still finds it.
    const machine = run.version === 0 ? testMachineName(run.campaignId) : stateMachineName(run.campaignId);
    const arn = run.execution?.startsWith('arn:') ? run.execution : executionArn(this.o, machine, run.runId);
    try {
      await this.o.sfn.send(
        new StopExecutionCommand({
          executionArn: arn,
          error: RunStopped.errorName,
          cause: 'stopped through the orca API',
        }),
      );
    } catch (e) {
      // Already ended (or never started): nothing left to stop.
      if (!isAwsError(e, 'ExecutionDoesNotExist')) throw e;
    }
    await this.cancelQueries(arn);
  }

  /**
   * Stops the queries of one execution still running, and only those: each query the execution
   * started is in its history (the TaskSubmitted event of an athena:startQueryExecution.sync task
   * holds StartQueryExecution's answer, its QueryExecutionId).
   */
  async cancelQueries(executionArn: string): Promise<string[]> {
    const ids = new Set<string>();
    let token: string | undefined;
    do {
      let page: GetExecutionHistoryCommandOutput;
      try {
        page = await this.o.sfn.send(
          new GetExecutionHistoryCommand({
            executionArn,
            includeExecutionData: true,
            maxResults: 1000,
            nextToken: token,
          }),
        );
      } catch (e) {
        if (isAwsError(e, 'ExecutionDoesNotExist')) return [];
        throw e;
      }
      for (const event of page.events ?? []) {
        const d = event.taskSubmittedEventDetails;
        if (event.type !== 'TaskSubmitted' || d?.resourceType !== 'athena' || !d.output) continue;
        const id = (JSON.parse(d.output) as { QueryExecutionId?: unknown }).QueryExecutionId;
        if (typeof id === 'string') ids.add(id);
      }
      token = page.nextToken;
    } while (token);
    const stopped: string[] = [];
    const all = [...ids];
    // BatchGetQueryExecution takes up to 50 ids.
    for (let i = 0; i < all.length; i += 50) {
      const batch = await this.o.athena.send(
        new BatchGetQueryExecutionCommand({ QueryExecutionIds: all.slice(i, i + 50) }),
      );
      for (const q of batch.QueryExecutions ?? []) {
        if (q.Status?.State === 'RUNNING' || q.Status?.State === 'QUEUED') {
          await this.o.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: q.QueryExecutionId }));
          stopped.push(q.QueryExecutionId!);
        }
      }
    }
    return stopped;
  }
}
