/** The events the state machine sends to the orchestrator's steps, and what they return. */
import type { Saves, WorkSchema } from '../activities/framework.js';
import type { ActivityDef } from '../activities/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { QueryEngine, Target } from '../ports/engine.js';
import type { Notifier } from '../ports/notifier.js';
import type { RunControl } from '../ports/control.js';
import type { StatusStore, TransitionRecord } from '../ports/store.js';
import type { CampaignContext } from '../planner.js';
import type { Channel, Providers } from '../ports/channel.js';
import type { MessageLedger, RateLimiter, ReportStore } from '../ports/ledger.js';
import type { ObjectStore } from '../ports/objects.js';
import type { ImportStore, TableSwitch } from '../ports/imports.js';

/**
 * The signed links of messages (lambdas/channels/links.ts, H-providers, declares the same
 * interface: this declaration goes when that module is merged, replaced by its import).
 */
export interface LinkSettings {
  baseUrl: string;
  secret: string;
  tracking: 'orca' | 'provider';
}

/** What channel activities need beyond the rest: providers, the ledger, the rate limiter, reports, objects. */
export interface ChannelDeps {
  providers: Providers;
  ledger: MessageLedger;
  rate: RateLimiter;
  reports: ReportStore;
  objects: ObjectStore;
  links: LinkSettings;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Deps {
  store: StatusStore;
  engine: QueryEngine;
  catalog: Catalog;
  notifier: Notifier;
  control: RunControl;
  /** Starts a published campaign (End activities' signals); absent where no service runs them. */
  signal?: (
    campaignId: string,
    variables: Record<string, unknown>,
    from: { campaignId: string; runId: string },
  ) => Promise<string>;
  clock?: () => Date;
  /** Channel activities' dependencies; absent where nothing can be sent (a deployment without channels). */
  channels?: ChannelDeps;
  /**
   * Where catalog tables' versions are (update data activities swap them, as import jobs do), and
   * how a table is switched to one (a Glue UpdateTable in the cloud; none locally: the pointer is read).
   */
  versions?: { store: ImportStore; tables?: TableSwitch };
}

export interface RunCampaign extends CampaignContext {
  label: string;
  errorPolicy: { onError: 'abort' | 'suspend' | 'ignore'; maxConsecutiveErrors: number };
}

/** The run context every state carries in $.run. */
export interface RunContext {
  runId: string;
  campaign: RunCampaign;
  startedAt: string;
  testMode: boolean;
  variables: Record<string, unknown>;
}

export interface InboundRef {
  transition: string;
  from: string;
  output: string;
  /** The schema validation computed: what this input looks like when it did not run. */
  schema: WorkSchema | null;
}

export interface OutboundRef {
  transition: string;
  output: string;
  to: string;
}

export interface StartEvent {
  step: 'start';
  input: {
    run?: { runId?: string; testMode?: boolean; variables?: Record<string, unknown>; version?: number };
    trigger?: string;
  } & Record<string, unknown>;
  execution: string;
  executionArn?: string;
  startTime: string;
  campaign: RunCampaign;
  activities: Array<{ id: string; type: string; label?: string; disabled?: boolean }>;
  /** The activities' settings, encoded (statemachines/asl.ts `encodePlan`): recorded for the gates. */
  plan?: string;
}

interface GateBase {
  step: 'gate';
  token: string;
  run: RunContext;
  /** Set when a parked gate is called again on resume. */
  resumed?: boolean;
}

/**
 * What the compiled state machine sends a gate: the activity's id, whose settings are in the run's
 * plan (see plan.ts). The gate then works on the `GateEvent` they make.
 */
export interface GateRef extends GateBase {
  activity: string;
}

/** A gate with the activity's settings. */
export interface GateEvent extends GateBase {
  activity: ActivityDef;
  inbound: InboundRef[];
  outbound: OutboundRef[];
}

export interface SuspendedEvent {
  step: 'suspended';
  token: string;
  run: RunContext;
  activity: { id: string; type?: string };
  resumed?: boolean;
}

export type GateResult =
  | { action: 'done' }
  | {
      action: 'query';
      sql: string;
      select: string;
      target: Target;
      activity: ActivityDef;
      outbound: OutboundRef[];
      outputs: Record<string, WorkSchema | null>;
      saves?: Saves;
      startedAt: string;
      resetErrors: boolean;
    }
  | {
      /** A channel activity: `sql` materialises its message table (outputs messages, excluded) in `target`, chunked. */
      action: 'send';
      sql: string;
      select: string;
      target: Target;
      channel: Channel;
      chunks: number;
      activity: ActivityDef;
      outbound: OutboundRef[];
      outputs: Record<string, WorkSchema | null>;
      startedAt: string;
      resetErrors: boolean;
    }
  | {
      action: 'wait';
      seconds?: number;
      until?: string;
      activity: ActivityDef;
      outbound: OutboundRef[];
      forward: Record<string, Carried>;
      startedAt: string;
      resetErrors: boolean;
    };

/** What an output carries on: its population, if any, when it is active. */
export type Carried = Pick<TransitionRecord, 'active' | 'population'>;

/** The id and statistics of a query the state machine ran (the Athena task's ResultSelector). */
export interface QueryRan {
  query?: {
    id: string;
    statistics?: {
      EngineExecutionTimeInMillis?: number;
      TotalExecutionTimeInMillis?: number;
      DataScannedInBytes?: number;
    };
  };
}

export type SendGate = Extract<GateResult, { action: 'send' }>;

export interface RecordEvent {
  step: 'record';
  run: RunContext;
  gate: Exclude<GateResult, { action: 'done' | 'send' }> & QueryRan;
}

/** After a channel activity's prepare query: count, write the manifest, decide on the confirmation. */
export interface PreparedEvent {
  step: 'prepared';
  run: RunContext;
  gate: SendGate & QueryRan;
}

/** What `prepared` returns into $.send: the chunks to send (none in test mode), and whether to wait for a confirmation. */
export interface Prepared {
  chunks: number[];
  confirm: boolean;
  /** Rows of the message table per output. */
  rows: { messages: number; excluded: number };
}

/** A channel activity waits for `orca confirm` (a callback task). */
export interface ConfirmEvent {
  step: 'confirm';
  token: string;
  run: RunContext;
  activity: string;
  resumed?: boolean;
}

/** One chunk sender (the send function, inside the Map). */
export interface ChunkEvent {
  step: 'chunk';
  run: RunContext;
  activity: string;
  chunk: number;
}

/** After the chunks: the counts; returns the output query for the branch's shared query and record. */
export interface SentEvent {
  step: 'sent';
  run: RunContext;
  gate: SendGate & QueryRan;
}

export interface FailEvent {
  step: 'fail';
  run: RunContext;
  /** The failed activity (its gate result's, or the id its `failed` state gives). */
  activity: { id: string; type?: string };
  /** Its outbound transitions; when absent, those of the run's plan. */
  outbound?: OutboundRef[];
  error: { Error?: string; Cause?: string };
}

export interface FinalizeEvent {
  step: 'finalize';
  run: RunContext;
  status: 'completed' | 'failed';
  error?: { Error?: string; Cause?: string };
}

/**
 * After a failed start (the `Start run` state's Catch): what the start step got, and its error. The
 * run record may not exist (the start failed before it could create it).
 */
export interface StartFailedEvent extends Omit<StartEvent, 'step' | 'campaign' | 'activities'> {
  step: 'startFailed';
  campaign: { id: string; label: string };
  error: { Error?: string; Cause?: string };
}

export type FailDecision = { decision: 'retry' | 'fail' | 'continue' | 'suspend'; delay: number };
