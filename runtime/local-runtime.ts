/**
 * The embedded runtime: the same compiled state machine and the same handlers as in the cloud,
 * run in-process. aws-local-stepfunctions executes the ASL; every Task state is served by a local
 * handler chosen from its resource (Lambda function placeholder, or the Athena query task, served
 * by DuckDB); dynalite, persisted under the data folder, holds statuses and logs.
 */
import { join, resolve } from 'node:path';
import {
  type RunOptions as LocalRunOptions,
  type StateMachineDefinition as LocalDefinition,
  StateMachine,
} from 'aws-local-stepfunctions';
import type { Catalog } from '../lambdas/catalog/catalog.js';
import { DynamoDbStore } from '../lambdas/adapters/dynamodb-store.js';
import { DuckDbEngine, QueryCancelled, type DuckDbOptions } from '../lambdas/adapters/duckdb-engine.js';
import {
  makeControlHandler,
  makeGateHandler,
  makeRecordHandler,
  makeSendHandler,
} from '../lambdas/handlers/handlers.js';
import type { ControlEvent, GateFnEvent, RecordFnEvent } from '../lambdas/handlers/handlers.js';
import type { ChannelDeps, ChunkEvent, Deps } from '../lambdas/orchestrator/types.js';
import { type SendChunk, sendChunk } from '../lambdas/orchestrator/chunk.js';
import { localChannels } from './local-channels.js';
import { defaultSendWorkers, SendWorkers, sendWorkersFromEnv } from './send-workers.js';
import type { RunRecord } from '../lambdas/ports/store.js';
import type { Alert, Notifier } from '../lambdas/ports/notifier.js';
import {
  allStates,
  ATHENA_SYNC,
  LAMBDA_CALLBACK,
  LAMBDA_INVOKE,
  PLACEHOLDERS,
  type StateMachineDefinition,
} from '../statemachines/asl.js';
import { LocalControl } from './local-control.js';
import { DynamoDbImportStore } from '../lambdas/adapters/dynamodb-import-store.js';
import { pinnedCatalog } from '../lambdas/orchestrator/import-versions.js';
import { newRunId } from '../lambdas/orchestrator/run-id.js';
import { recordInterrupted, recordStopped, stopRun } from '../lambdas/orchestrator/stopped.js';
import { startDynalite, TABLE, type LocalDynamo } from './dynalite.js';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface LocalRuntimeOptions extends DuckDbOptions {
  dataRoot: string;
  catalog: Catalog;
  /** Keep the store in memory instead of <data>/store (tests). */
  memoryStore?: boolean;
  /** Run every Wait state (activity waits, retry delays) in this many ms (tests). */
  waitMs?: number;
  /**
   * What channel activities send with (providers, ledger, rate limiter, reports, objects, links):
   * by default the local ones (runtime/local-channels.ts), with `smtpUrl` and `publicUrl`.
   */
  channels?: ChannelDeps;
  /** Email over this SMTP server instead of the outbox (ORCA_SMTP_URL, `--smtp URL`). */
  smtpUrl?: string;
  /** The base URL of the links a send signs (`orca serve`'s; http://127.0.0.1:7777 by default). */
  publicUrl?: string;
  /** Another chunk sender than the real one (tests of the steps around it). */
  sendChunk?: SendChunk;
  /**
   * Worker threads the chunk senders run in (runtime/send-workers.ts; ORCA_SEND_WORKERS; default
   * one per core, at most 4); 0 sends in this thread. Only with the local channels (no `channels`).
   */
  sendWorkers?: number;
}

export interface RunOptions {
  runId?: string;
  testMode?: boolean;
  variables?: Record<string, unknown>;
  trigger?: string;
  /** Wait the real durations even when the runtime shortens waits (tests). */
  realWaits?: boolean;
}

/** The Lambda context the in-process handlers get (a function with Lambda's longest timeout). */
const LOCAL_CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local',
  memoryLimitInMB: '1024',
  awsRequestId: 'local',
  logGroupName: 'local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** A JSON value, as the local runner passes it between states. */
export type Json = Parameters<StateMachine['run']>[0];
export type LocalHandlers = NonNullable<NonNullable<LocalRunOptions['overrides']>['taskResourceLocalHandlers']>;

/** What a Lambda answers, as Step Functions sees it: serialized (undefined becomes null, dates strings...). */
const asJson = (x: unknown): Json => JSON.parse(JSON.stringify(x ?? null));

/** A field of a Task's parameters. */
function parameter(input: Json, name: string): unknown {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? input[name] : undefined;
}

/**
 * A Task without TimeoutSeconds waits up to 99,999,999 s on AWS ("AWS Step Functions Developer Guide —
 * Task state": the default TimeoutSeconds), but 60 s in aws-local-stepfunctions 3.0 (its
 * DEFAULT_TIMEOUT_SECONDS). The runner arms one Node timer per task, and Node runs a timer longer
 * than 2^31-1 ms after 1 ms instead: so locally every Task gets its timeout (or AWS's default)
 * capped at the longest timer Node holds, 2,147,483 s (24.8 days).
 */
export const LOCAL_MAX_TASK_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const AWS_DEFAULT_TASK_SECONDS = 99_999_999;

/** The definition the local runner executes: every Task with a timeout it can hold (see above). */
export function localDefinition(definition: StateMachineDefinition): StateMachineDefinition {
  const copy: StateMachineDefinition = structuredClone(definition);
  for (const [, state] of allStates(copy)) {
    if (state.Type !== 'Task' || state.TimeoutSecondsPath !== undefined) continue;
    const seconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : AWS_DEFAULT_TASK_SECONDS;
    state.TimeoutSeconds = Math.min(seconds, LOCAL_MAX_TASK_SECONDS);
  }
  return copy;
}

/**
 * Starts a compiled definition on the local runner, as `LocalRuntime.run` does: every Task served by
 * `handlers`, Wait states shortened by `waits` (ms per state name), the execution named after the run.
 */
export function startLocalExecution(
  definition: StateMachineDefinition,
  runId: string,
  input: Json,
  handlers: LocalHandlers,
  waits: Record<string, number> = {},
) {
  // The compiler's output is checked with asl-validator by the tests; validating it again here
  // would cost ~200 ms per run.
  const machine = new StateMachine(localDefinition(definition) as LocalDefinition, {
    validationOptions: { noValidate: true },
  });
  const startTime = new Date().toISOString();
  return machine.run(input, {
    context: { Execution: { Id: `local:${runId}`, Name: runId, StartTime: startTime }, Task: { Token: 'local' } },
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits },
    noThrowOnAbort: true,
  });
}

class LocalNotifier implements Notifier {
  readonly alerts: Alert[] = [];
  async notify(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}

export class LocalRuntime {
  readonly control = new LocalControl();
  readonly notifier = new LocalNotifier();
  private readonly executions = new Map<string, { abort: () => void }>();
  /** How End activities start other campaigns (set by the service). */
  signal?: Deps['signal'];

  private constructor(
    readonly options: LocalRuntimeOptions,
    readonly dynamo: LocalDynamo,
    readonly store: DynamoDbStore,
    readonly engine: DuckDbEngine,
    readonly channels: ChannelDeps,
    private readonly workers?: SendWorkers,
  ) {}

  static async open(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const dataRoot = resolve(options.dataRoot);
    const dynamo = await startDynalite(options.memoryStore ? undefined : join(dataRoot, 'store'));
    const store = new DynamoDbStore(dynamo.client, TABLE);
    // The store is closed again when the engine cannot open (tmp/ a file...): nothing is left running.
    const engine = await DuckDbEngine.open(dataRoot, options).catch(async (e: unknown) => {
      await dynamo.close();
      throw e;
    });
    // This process holds the data folder now: a run still in progress in its store was left by a
    // process that ended without ending it (kill -9, a crash).
    if (!options.memoryStore) await recordInterrupted(store, new Date().toISOString());
    const local = {
      dataRoot,
      ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    };
    const channels = options.channels ?? localChannels(local, dynamo.client, TABLE);
    const size = options.sendWorkers ?? sendWorkersFromEnv() ?? defaultSendWorkers();
    // Started on the first chunk sent, kept until close.
    const workers =
      options.channels || options.sendChunk || size === 0
        ? undefined
        : new SendWorkers({
            size,
            channels: local,
            endpoint: dynamo.endpoint,
            credentials: dynamo.credentials,
            table: TABLE,
          });
    return new LocalRuntime({ ...options, dataRoot }, dynamo, store, engine, channels, workers);
  }

  get deps(): Deps {
    return {
      store: this.store,
      engine: this.engine,
      catalog: this.options.catalog,
      notifier: this.notifier,
      control: this.control,
      ...(this.signal ? { signal: this.signal } : {}),
      channels: this.channels,
      versions: { store: new DynamoDbImportStore(this.dynamo.client, TABLE) },
    };
  }

  async close(): Promise<void> {
    for (const e of this.executions.values()) e.abort();
    await this.workers?.close();
    await Promise.all(Object.values(this.channels.providers).map((p) => p?.close?.().catch(() => undefined)));
    this.engine.close();
    await this.dynamo.close();
  }

  /** Runs a compiled campaign to its end; the run's record tells how it ended. */
  async run(definition: StateMachineDefinition, options: RunOptions = {}): Promise<RunRecord> {
    const runId = options.runId ?? newRunId();
    // Each catalog table at its current version (import jobs), fixed for the whole run.
    const deps = {
      ...this.deps,
      catalog: await pinnedCatalog(this.options.catalog, new DynamoDbImportStore(this.dynamo.client, TABLE)),
    };
    const control = makeControlHandler(deps);
    const gate = makeGateHandler(deps, this.control);
    const record = makeRecordHandler(deps);
    const send = makeSendHandler(deps, this.options.sendChunk ?? this.workers?.sendChunk ?? sendChunk);
    const lambdas: Record<string, (payload: unknown) => Promise<unknown>> = {
      [PLACEHOLDERS.control]: (p) => control(p as ControlEvent, LOCAL_CONTEXT),
      [PLACEHOLDERS.record]: (p) => record(p as RecordFnEvent, LOCAL_CONTEXT),
      // Each chunk attempt is an invocation of its own (its id is the attempt the ledger's lease names).
      [PLACEHOLDERS.send]: async (p) => {
        return send(p as ChunkEvent & { location: string }, { ...LOCAL_CONTEXT, awsRequestId: randomUUID() });
      },
    };
    const handlers: LocalHandlers = {};
    const waits: Record<string, number> = {};
    for (const [name, state] of allStates(definition)) {
      if (state.Type === 'Wait' && this.options.waitMs !== undefined && !options.realWaits)
        waits[name] = this.options.waitMs;
      if (state.Type !== 'Task') continue;
      const resource = state.Resource as string;
      if (resource === LAMBDA_INVOKE) {
        handlers[name] = async (input) => {
          const FunctionName = String(parameter(input, 'FunctionName'));
          const Payload = parameter(input, 'Payload');
          return asJson({ StatusCode: 200, Payload: await lambdas[FunctionName]!(Payload) });
        };
      } else if (resource === LAMBDA_CALLBACK) {
        // .waitForTaskToken: the task ends when the handler calls back with its token.
        handlers[name] = async (input) => {
          const Payload = parameter(input, 'Payload') as Omit<GateFnEvent, 'token'>;
          const task = this.control.newTask();
          await gate({ ...Payload, token: task.token } as GateFnEvent, LOCAL_CONTEXT);
          return asJson(await task.done);
        };
      } else if (resource === ATHENA_SYNC) {
        handlers[name] = async (input) => {
          const QueryString = String(parameter(input, 'QueryString'));
          try {
            const r = await this.engine.execute(QueryString);
            return {
              QueryExecution: {
                QueryExecutionId: r.queryId,
                Status: { State: 'SUCCEEDED' },
                Statistics: {
                  EngineExecutionTimeInMillis: Math.round(r.durationMs),
                  TotalExecutionTimeInMillis: Math.round(r.durationMs),
                },
              },
            };
          } catch (e) {
            const cancelled = e instanceof QueryCancelled;
            const err = new Error(
              JSON.stringify({
                QueryExecution: {
                  Status: {
                    State: cancelled ? 'CANCELLED' : 'FAILED',
                    StateChangeReason: (e as Error).message,
                    AthenaError: { ErrorCategory: 2, Retryable: false },
                  },
                },
              }),
            );
            err.name = 'States.TaskFailed';
            throw err;
          }
        };
      } else {
        throw new Error(`no local handler for ${resource} (state ${name})`);
      }
    }

    const execution = startLocalExecution(
      definition,
      runId,
      asJson({
        run: { runId, testMode: options.testMode ?? false, variables: options.variables ?? {} },
        trigger: options.trigger ?? 'manual',
      }),
      handlers,
      waits,
    );
    this.executions.set(runId, execution);
    try {
      await execution.result;
    } catch (e) {
      // A Fail state ends the execution; the run record already says why.
      const run = await this.store.getRun(runId);
      if (!run || run.status === 'running' || run.status === 'paused') {
        await this.store.updateRun(runId, {
          status: 'failed',
          endedAt: new Date().toISOString(),
          error: (e as Error).message,
        });
      }
    } finally {
      this.executions.delete(runId);
    }
    const run = await this.store.getRun(runId);
    // The execution is over, however it ended: the run's place among its campaign's runs is free.
    if (run) await this.store.releaseRun(run.campaignId, runId);
    if (run?.status === 'stopping') await recordStopped(this.store, runId, new Date().toISOString());
    return (await this.store.getRun(runId))!;
  }

  /** Ends an execution now: aborts it and cancels its running queries (the store is updated by the caller). */
  async abort(runId: string): Promise<void> {
    this.engine.cancelRun(runId);
    this.control.wakeAll(runId);
    this.executions.get(runId)?.abort();
  }

  /** Resumes a paused run (Enter in `orca run`): its parked gates check the run again and go on. False when not paused. */
  async resume(runId: string, actor = 'user'): Promise<boolean> {
    if (!(await this.store.updateRun(runId, { status: 'running', pausedReason: undefined }, ['paused']))) return false;
    await this.store.log(runId, { at: new Date().toISOString(), level: 'info', message: `resumed by ${actor}`, actor });
    this.control.wake(runId);
    return true;
  }

  /**
   * Confirms a channel activity waiting for a confirmation (`orca run`'s prompt): it sends. False
   * when that activity is not waiting for one. The run log says who confirmed.
   */
  async confirm(runId: string, activityId: string, actor = 'user'): Promise<boolean> {
    if (!this.control.confirm(runId, activityId)) return false;
    await this.store.log(runId, {
      at: new Date().toISOString(),
      level: 'info',
      activity: activityId,
      message: `confirmed by ${actor}: sending`,
      actor,
    });
    return true;
  }

  /** Stop (Ctrl-C in `orca run`): cancels running queries and ends the run for good. */
  stop(runId: string, actor = 'user'): Promise<boolean> {
    return stopRun(this.store, runId, actor, () => this.abort(runId));
  }
}
