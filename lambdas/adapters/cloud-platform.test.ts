/** Publishing and running in the cloud: the exact Step Functions, Scheduler and Athena requests. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudPlatform } from './cloud-platform.js';
import { ApiError } from '../api/errors.js';

const sfn = mockClient(SFNClient);
const scheduler = mockClient(SchedulerClient);
const athena = mockClient(AthenaClient);

const platform = () =>
  new CloudPlatform({
    sfn: new SFNClient({}),
    scheduler: new SchedulerClient({}),
    athena: new AthenaClient({}),
    lambda: new LambdaClient({}),
    store: { park: async () => {}, parked: async () => [], unpark: async () => true },
    region: 'eu-west-1',
    account: '123456789012',
    machineRoleArn: 'arn:aws:iam::123456789012:role/machines',
    schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
    logGroupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/orca-api:*',
    functions: { control: 'arn:fn:control', gate: 'arn:fn:gate', record: 'arn:fn:record' },
    workGroup: 'orca',
    database: 'orca_db',
    bucket: 'orca-data',
    clock: () => Date.parse('2026-11-22T10:00:00Z'),
  });

const definition = {
  StartAt: 'A',
  States: {
    A: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DefinitionSubstitutions placeholders, which publishing fills in
      Parameters: { FunctionName: '${GateFunction}', W: '${AthenaWorkGroup}' },
      End: true,
    },
  },
};
const schedule = {
  expression: 'cron(0 8 ? * MON *)',
  timezone: 'Europe/Paris',
  start: new Date('2026-12-01T00:00:00Z'),
};
const names = (m: typeof sfn) => m.calls().map((c) => c.args[0].constructor.name);

beforeEach(() => {
  sfn.reset();
  scheduler.reset();
  athena.reset();
});

describe('CloudPlatform', () => {
  it('publishes a new campaign: a state machine version with the names filled in, and its schedule', async () => {
    sfn
      .on(CreateStateMachineCommand)
      .resolves({ stateMachineArn: 'arn:sm:orca-w', stateMachineVersionArn: 'arn:sm:orca-w:1' });
    scheduler.on(CreateScheduleCommand).resolves({});
    expect(await platform().publish('w', 1, definition as never, schedule)).toEqual({ machine: 'arn:sm:orca-w:1' });
    const create = sfn.commandCalls(CreateStateMachineCommand)[0]!.args[0].input;
    expect(create).toMatchObject({
      name: 'orca-w',
      type: 'STANDARD',
      roleArn: 'arn:aws:iam::123456789012:role/machines',
      publish: true,
      versionDescription: 'version 1',
      tags: [{ key: 'orca:source', value: 'api' }],
      tracingConfiguration: { enabled: true },
    });
    expect(JSON.parse(create.definition!).States.A.Parameters).toEqual({ FunctionName: 'arn:fn:gate', W: 'orca' });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toMatchObject({
      Name: 'orca-w',
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      StartDate: new Date('2026-12-01T00:00:00Z'),
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: 'arn:sm:orca-w:1',
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        Input: '{"trigger":"schedule","run":{"version":1}}',
      },
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input.ActionAfterCompletion).toBeUndefined();
  });

  it('fills in the database and the results location of the query tasks (Amazon Athena API Reference — StartQueryExecution)', async () => {
    sfn
      .on(CreateStateMachineCommand)
      .resolves({ stateMachineArn: 'arn:sm:orca-q', stateMachineVersionArn: 'arn:sm:orca-q:1' });
    const query = {
      StartAt: 'Q',
      States: {
        Q: {
          Type: 'Task',
          Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
          Parameters: {
            'QueryString.$': '$.step.sql',
            // biome-ignore-start lint/suspicious/noTemplateCurlyInString: DefinitionSubstitutions placeholders
            WorkGroup: '${AthenaWorkGroup}',
            QueryExecutionContext: { Database: '${AthenaDatabase}' },
            ResultConfiguration: { OutputLocation: '${AthenaResults}' },
            // biome-ignore-end lint/suspicious/noTemplateCurlyInString: DefinitionSubstitutions placeholders
          },
          End: true,
        },
      },
    };
    await platform().publish('q', 1, query, undefined);
    const create = sfn.commandCalls(CreateStateMachineCommand)[0]!.args[0].input;
    expect(JSON.parse(create.definition!).States.Q.Parameters).toEqual({
      'QueryString.$': '$.step.sql',
      WorkGroup: 'orca',
      QueryExecutionContext: { Database: 'orca_db' },
      ResultConfiguration: { OutputLocation: 's3://orca-data/athena-results/' },
    });
  });

  it('publishes a new version of its own machine, and updates the schedule', async () => {
    sfn.on(CreateStateMachineCommand).rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'orca:source', value: 'api' }] });
    sfn.on(UpdateStateMachineCommand).resolves({ stateMachineVersionArn: 'arn:sm:orca-w:2', updateDate: new Date() });
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(UpdateScheduleCommand).resolves({});
    expect(await platform().publish('w', 2, definition as never, schedule)).toEqual({ machine: 'arn:sm:orca-w:2' });
    expect(names(sfn)).toEqual([
      'CreateStateMachineCommand',
      'ListTagsForResourceCommand',
      'UpdateStateMachineCommand',
    ]);
    expect(sfn.commandCalls(UpdateStateMachineCommand)[0]!.args[0].input).toMatchObject({
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-w',
      publish: true,
      versionDescription: 'version 2',
    });
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input.Target!.Arn).toBe('arn:sm:orca-w:2');
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input.ActionAfterCompletion).toBeUndefined();
  });

  it('a one-off schedule deletes itself once it has fired', async () => {
    sfn
      .on(CreateStateMachineCommand)
      .resolves({ stateMachineArn: 'arn:sm:orca-o', stateMachineVersionArn: 'arn:sm:orca-o:1' });
    scheduler.on(CreateScheduleCommand).resolves({});
    await platform().publish('o', 1, definition as never, {
      expression: 'at(2026-12-24T09:00:00)',
      timezone: 'Europe/Paris',
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toMatchObject({
      ScheduleExpression: 'at(2026-12-24T09:00:00)',
      ActionAfterCompletion: 'DELETE',
    });
  });

  it('refuses to touch a machine deployed as code (409), and removes the schedule of a manual campaign', async () => {
    sfn.on(CreateStateMachineCommand).rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const e = await platform()
      .publish('w', 1, definition as never, schedule)
      .catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, message: expect.stringContaining('deployed as code') });
    expect(sfn.commandCalls(UpdateStateMachineCommand)).toHaveLength(0);
    sfn.reset();
    sfn
      .on(CreateStateMachineCommand)
      .resolves({ stateMachineArn: 'arn:sm:orca-m', stateMachineVersionArn: 'arn:sm:orca-m:1' });
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', Message: 'none', $metadata: {} }));
    await platform().publish('m', 1, definition as never, undefined);
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({ Name: 'orca-m' });
  });

  it('starts a version by the run id; a test run of a draft goes to the test machine', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:ex:orca-w:r1', startDate: new Date() });
    const input = { run: { runId: 'r1', testMode: false, variables: { x: 1 } }, trigger: 'api' };
    expect(
      await platform().start({
        runId: 'r1',
        campaignId: 'w',
        version: 2,
        definition: definition as never,
        machine: 'arn:sm:orca-w:2',
        input,
      }),
    ).toEqual({ execution: 'arn:ex:orca-w:r1' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: 'arn:sm:orca-w:2',
      name: 'r1',
      input: JSON.stringify(input),
    });
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: 'arn:sm:orca-w_test' });
    await platform().start({ runId: 'r2', campaignId: 'w', version: 0, definition: definition as never, input });
    expect(sfn.commandCalls(CreateStateMachineCommand)[0]!.args[0].input).toMatchObject({ name: 'orca-w_test' });
    expect(sfn.commandCalls(CreateStateMachineCommand)[0]!.args[0].input.publish).toBeUndefined();
    expect(sfn.commandCalls(StartExecutionCommand)[1]!.args[0].input.stateMachineArn).toBe('arn:sm:orca-w_test');
  });

  it("stop: StopExecution, then StopQueryExecution for exactly the execution's queries still running (AWS Step Functions API Reference — GetExecutionHistory, TaskSubmittedEventDetails)", async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    const submitted = (id: string) => ({
      type: 'TaskSubmitted' as const,
      id: 1,
      timestamp: new Date(),
      taskSubmittedEventDetails: {
        resourceType: 'athena',
        resource: 'startQueryExecution.sync',
        output: JSON.stringify({ QueryExecutionId: id, SdkHttpMetadata: {} }),
      },
    });
    const lambda = {
      type: 'TaskSubmitted' as const,
      id: 2,
      timestamp: new Date(),
      taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{}}' },
    };
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [submitted('q1'), lambda], nextToken: 'n2' })
      .resolvesOnce({ events: [submitted('q2')] });
    // Another run's query q3 runs in the same workgroup: it is never looked at.
    athena.on(BatchGetQueryExecutionCommand).resolves({
      QueryExecutions: [
        { QueryExecutionId: 'q1', Status: { State: 'RUNNING' } },
        { QueryExecutionId: 'q2', Status: { State: 'SUCCEEDED' } },
      ],
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    await platform().stop({
      runId: 'r1',
      campaignId: 'w',
      execution: 'arn:aws:states:eu-west-1:1:execution:orca-w:r1',
      status: 'stopping',
      startedAt: 'x',
      testMode: false,
      variables: {},
    });
    expect(sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input).toMatchObject({
      executionArn: 'arn:aws:states:eu-west-1:1:execution:orca-w:r1',
      error: 'Orca.RunStopped',
    });
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input)).toEqual([
      {
        executionArn: 'arn:aws:states:eu-west-1:1:execution:orca-w:r1',
        includeExecutionData: true,
        maxResults: 1000,
        nextToken: undefined,
      },
      {
        executionArn: 'arn:aws:states:eu-west-1:1:execution:orca-w:r1',
        includeExecutionData: true,
        maxResults: 1000,
        nextToken: 'n2',
      },
    ]);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryExecutionIds: ['q1', 'q2'],
    });
    expect(athena.commandCalls(ListQueryExecutionsCommand)).toHaveLength(0);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q1' },
    ]);
  });

  it('stop before the execution ARN is recorded: the ARN follows from the machine and the run id; an ended execution is fine', async () => {
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    sfn.on(GetExecutionHistoryCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    await platform().stop({
      runId: 'r2',
      campaignId: 'w',
      version: 3,
      status: 'stopping',
      startedAt: 'x',
      testMode: false,
      variables: {},
    });
    await platform().stop({
      runId: 'r3',
      campaignId: 'w',
      version: 0,
      status: 'stopping',
      startedAt: 'x',
      testMode: true,
      variables: {},
    });
    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([
      'arn:aws:states:eu-west-1:123456789012:execution:orca-w:r2',
      'arn:aws:states:eu-west-1:123456789012:execution:orca-w_test:r3',
    ]);
    sfn.on(StopExecutionCommand).rejects(new Error('AccessDenied'));
    await expect(
      platform().stop({
        runId: 'r4',
        campaignId: 'w',
        version: 1,
        status: 'stopping',
        startedAt: 'x',
        testMode: false,
        variables: {},
      }),
    ).rejects.toThrow('AccessDenied');
  });

  it('a validity window already open: no start date (the scheduler refuses past ones)', async () => {
    sfn
      .on(CreateStateMachineCommand)
      .resolves({ stateMachineArn: 'arn:sm:orca-p', stateMachineVersionArn: 'arn:sm:orca-p:1' });
    scheduler.on(CreateScheduleCommand).resolves({});
    await platform().publish('p', 1, definition as never, {
      ...schedule,
      start: new Date('2026-11-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(input.StartDate).toBeUndefined();
    expect(input.EndDate).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  it("monthly 'last' with other days: two schedules of one campaign, both removed on archive and delete", async () => {
    sfn
      .on(CreateStateMachineCommand)
      .resolves({ stateMachineArn: 'arn:sm:orca-pay', stateMachineVersionArn: 'arn:sm:orca-pay:1' });
    scheduler.on(CreateScheduleCommand).resolves({});
    scheduler.on(DeleteScheduleCommand).resolves({});
    sfn.on(DeleteStateMachineCommand).resolves({});
    // cron cannot list L with other days of the month (EventBridge Scheduler, cron expressions).
    await platform().publish('pay', 1, definition as never, {
      expression: 'cron(0 9 1,15 * ? *)',
      lastDay: 'cron(0 9 L * ? *)',
      timezone: 'Europe/Paris',
    });
    const created = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(created).toHaveLength(2);
    for (const [input, name, expression] of [
      [created[0]!, 'orca-pay', 'cron(0 9 1,15 * ? *)'],
      [created[1]!, 'orca-pay_last', 'cron(0 9 L * ? *)'],
    ] as const)
      expect(input).toMatchObject({
        Name: name,
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Europe/Paris',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: 'arn:sm:orca-pay:1', Input: '{"trigger":"schedule","run":{"version":1}}' },
      });
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);
    // A next version without 'last': the last-day schedule goes.
    scheduler.resetHistory();
    await platform().publish('pay', 2, definition as never, { expression: 'cron(0 9 1 * ? *)', timezone: 'UTC' });
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual(['orca-pay']);
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'orca-pay_last' },
    ]);
    for (const how of ['archive', 'delete'] as const) {
      scheduler.resetHistory();
      await platform().retire('pay', how);
      expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
        { Name: 'orca-pay' },
        { Name: 'orca-pay_last' },
      ]);
    }
  });

  it('archive removes the schedule; delete the machines too', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    sfn.on(DeleteStateMachineCommand).resolves({});
    await platform().retire('w', 'archive');
    expect(sfn.commandCalls(DeleteStateMachineCommand)).toHaveLength(0);
    await platform().retire('w', 'delete');
    expect(sfn.commandCalls(DeleteStateMachineCommand).map((c) => c.args[0].input.stateMachineArn)).toEqual([
      'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-w',
      'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-w_test',
    ]);
  });
});
