/**
 * Publishing and running campaigns in the cloud, for the API: a published version is a state
 * machine version (`orca-<campaign>`, created or updated, tagged as the API's) and, when the
 * trigger is a schedule, an EventBridge Scheduler schedule that starts that version. Test runs of
 * a draft use `orca-<campaign>_test`. Stop ends the execution and cancels the run's queries.
 * Machines deployed as code (cdk deploy) are left to CloudFormation.
 */
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
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
import {
  BatchGetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
} from '@aws-sdk/client-athena';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Platform, StartRequest } from '../api/platform.js';
import { conflict } from '../api/errors.js';
import type { StateMachineDefinition } from '../../statemachines/asl.js';
import { substituteNames } from '../../statemachines/asl.js';
import { isOneOff, schedulerWindow, type ScheduleSpec } from '../../statemachines/schedule.js';
import type { ParkingStore, RunRecord } from '../ports/store.js';
import { executionArn, stateMachineArn, stateMachineName, testMachineName, type AwsLocation } from '../util/names.js';
import { wakeParked } from './cloud-control.js';
import { isAwsError } from './aws-errors.js';
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
  functions: { control: string; gate: string; record: string };
  workGroup: string;
  /** The Glue database and the query results location (s3://<bucket>/athena-results/) the ASL's queries name. */
  database: string;
  results: string;
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
      results: this.o.results,
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
      await this.deleteSchedule(name);
      return { machine };
    }
    const window = schedulerWindow(schedule, new Date((this.o.clock ?? Date.now)()));
    const input: CreateScheduleCommandInput = {
      Name: name,
      Description: `orca campaign ${campaignId}, version ${version}`,
      ScheduleExpression: schedule.expression,
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
    return { machine };
  }

  private async deleteSchedule(name: string): Promise<void> {
    try {
      await this.o.scheduler.send(new DeleteScheduleCommand({ Name: name }));
    } catch (e) {
      if (!isAwsError(e, 'ResourceNotFoundException')) throw e;
    }
  }

  async retire(campaignId: string, how: 'archive' | 'delete'): Promise<void> {
    await this.deleteSchedule(stateMachineName(campaignId));
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
    await this.cancelQueries(run.runId);
  }

  /** Stops the queries of a run still running in the workgroup (their SQL names the run's folders). */
  async cancelQueries(runId: string): Promise<string[]> {
    const stopped: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const list = await this.o.athena.send(
        new ListQueryExecutionsCommand({ WorkGroup: this.o.workGroup, MaxResults: 50, NextToken: token }),
      );
      const ids = list.QueryExecutionIds ?? [];
      if (ids.length) {
        const batch = await this.o.athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids }));
        for (const q of batch.QueryExecutions ?? []) {
          if ((q.Status?.State === 'RUNNING' || q.Status?.State === 'QUEUED') && q.Query?.includes(runId)) {
            await this.o.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: q.QueryExecutionId }));
            stopped.push(q.QueryExecutionId!);
          }
        }
      }
      token = list.NextToken;
    } while (token && ++pages < 4);
    return stopped;
  }
}
