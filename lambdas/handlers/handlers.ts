/**
 * The Lambda handlers, wrapped with middy. They are built from their dependencies (ports), so the
 * Lambda entry points (AWS adapters) and the embedded runtime (local adapters) run the same code.
 *
 * - control: start, finalize (also after a failed start), the failure handler (status store only) and,
 *   from EventBridge, the status change of an execution that ended without finalizing its run
 * - gate: the gate before each activity and the wait of a suspended one; it completes its task
 *   through TaskCallbacks (SendTaskSuccess in the cloud), or not at all while the run is paused
 * - record: after an activity's query or wait
 * - events: the providers' delivery events (SES through EventBridge, SMS through SNS)
 * - channel activities' steps (orchestrator/send.ts): prepared (control), confirm (gate), sent (record),
 *   and the send function's chunk senders
 */
import middy from '@middy/core';
import type { MiddlewareObj, MiddyHandlerObject } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { TaskCallbacks } from '../ports/control.js';
import { ActivityError, STATE_MACHINE_ERRORS } from '../orchestrator/errors.js';
import { finalizeFailedStart, finalizeRun } from '../orchestrator/finalize.js';
import { failActivity } from '../orchestrator/fail.js';
import { gate, PARKED, suspended } from '../orchestrator/gate.js';
import { recordActivity } from '../orchestrator/record.js';
import { startRun } from '../orchestrator/start.js';
import { executionEnded, type ExecutionStatusChange } from '../orchestrator/ended.js';
import { type EventDeps, type EventsResult, recordProviderEvents } from '../orchestrator/events.js';
import type { SendChunk } from '../orchestrator/chunk.js';
import { chunkStep, confirmStep, preparedStep, sentStep } from '../orchestrator/send.js';
import type {
  ChunkEvent,
  ConfirmEvent,
  Deps,
  FailEvent,
  FinalizeEvent,
  GateEvent,
  GateRef,
  Prepared,
  PreparedEvent,
  RecordEvent,
  SentEvent,
  StartEvent,
  StartFailedEvent,
  SuspendedEvent,
} from '../orchestrator/types.js';

/** The steps the state machine sends (`step`), and the execution status changes EventBridge sends (no `step`). */
export type ControlEvent =
  | StartEvent
  | StartFailedEvent
  | FinalizeEvent
  | FailEvent
  | (PreparedEvent & { confirm?: boolean })
  | ExecutionStatusChange;
export type GateFnEvent = GateRef | GateEvent | SuspendedEvent | (ConfirmEvent & { confirmed?: boolean });
export type RecordFnEvent = RecordEvent | (SentEvent & { send: Prepared });
export type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export interface HandlerOptions {
  /** Extra middlewares (structured logging in the cloud). */
  middlewares?: MiddlewareObj[];
}

/** What middy hands its inner handler besides the event and context; its own handler ignores it. */
const NO_OPTIONS: MiddyHandlerObject = { signal: new AbortController().signal };

function wrap<E, R>(fn: (event: E, context: Context) => Promise<R>, options: HandlerOptions): Handler<E, R> {
  const handler = middy<E, R>(async (event: E, context: Context) => fn(event, context));
  for (const m of options.middlewares ?? []) handler.use(m as MiddlewareObj<E, R>);
  return async (event, context) => (await handler(event, context, NO_OPTIONS)) as R;
}

export function makeControlHandler(deps: Deps, options: HandlerOptions = {}): Handler<ControlEvent, unknown> {
  return wrap<ControlEvent, unknown>(async (event) => {
    if (!('step' in event)) return executionEnded(event, deps);
    switch (event.step) {
      case 'start':
        return startRun(event, deps);
      case 'finalize':
        return finalizeRun(event, deps);
      case 'startFailed':
        return finalizeFailedStart(event, deps);
      case 'fail':
        return failActivity(event, deps);
      case 'prepared':
        return preparedStep(event, deps);
    }
  }, options);
}

export function makeGateHandler(
  deps: Deps,
  callbacks: TaskCallbacks,
  options: HandlerOptions = {},
): Handler<GateFnEvent, void> {
  return wrap<GateFnEvent, void>(async (event) => {
    let result: unknown;
    try {
      result =
        event.step === 'gate'
          ? await gate(event, deps)
          : event.step === 'confirm'
            ? await confirmStep(event, deps)
            : await suspended(event, deps);
    } catch (e) {
      const err = e as Error;
      await callbacks.fail(
        event.token,
        STATE_MACHINE_ERRORS.some((kind) => e instanceof kind) ? err.name : ActivityError.errorName,
        err.message ?? String(e),
      );
      return;
    }
    if (result !== PARKED) await callbacks.succeed(event.token, result);
  }, options);
}

export function makeRecordHandler(deps: Deps, options: HandlerOptions = {}): Handler<RecordFnEvent, unknown> {
  return wrap<RecordFnEvent, unknown>(
    (event) => (event.step === 'sent' ? sentStep(event, deps) : recordActivity(event, deps)),
    options,
  );
}

/**
 * The send function: one chunk of a channel activity per invocation (inside the send Map). Its
 * attempt is the invocation's request id; its time budget, the invocation's remaining time.
 */
export function makeSendHandler(
  deps: Deps,
  send: SendChunk,
  options: HandlerOptions = {},
): Handler<ChunkEvent & { location: string }, unknown> {
  return wrap<ChunkEvent & { location: string }, unknown>(
    (event, context) =>
      chunkStep(event, deps, send, { attempt: context.awsRequestId, remainingMs: context.getRemainingTimeInMillis() }),
    options,
  );
}

/** Delivery events: a malformed or foreign event is logged and ignored; a store failure throws (the trigger retries). */
export function makeEventsHandler(deps: EventDeps, options: HandlerOptions = {}): Handler<unknown, EventsResult> {
  return wrap<unknown, EventsResult>((event) => recordProviderEvents(event, deps), options);
}
