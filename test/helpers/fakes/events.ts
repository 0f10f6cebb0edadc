/**
 * The events the state machine sends to the orchestrator's steps, built the way
 * statemachines/compile.ts builds their payloads: a gate gets the parsed activity definition, its
 * inbound transitions with the schema validation computed, and its outbound transitions; the
 * fail step gets `{ id, type }` and the outbound transitions; record gets the gate's result.
 */
import { type ActivityDef, ACTIVITIES } from '../../../lambdas/activities/index.js';
import type {
  FailEvent,
  FinalizeEvent,
  GateEvent,
  GateResult,
  InboundRef,
  OutboundRef,
  RecordEvent,
  RunCampaign,
  RunContext,
  StartEvent,
} from '../../../lambdas/orchestrator/types.js';
import type { ActivityRecord, RunRecord } from '../../../lambdas/ports/store.js';
import { type Population, population, type WorkSchema } from '../../../lambdas/sql/population.js';
import type { ColumnType } from '../../../lambdas/sql/types.js';
import type { MemoryStore } from './store.js';

export const RUN_ID = 'RUN-1';
export const STARTED_AT = '2026-11-22T12:00:00.000Z';

export function campaign(over: Partial<RunCampaign> = {}): RunCampaign {
  return {
    id: 'camp',
    label: 'A campaign',
    dimension: 'recipients',
    timezone: 'UTC',
    variables: {},
    errorPolicy: { onError: 'abort', maxConsecutiveErrors: 1 },
    ...over,
  };
}

/** What the start step returns and every later state carries in $.run. */
export function runContext(over: Partial<RunContext> = {}): RunContext {
  return {
    runId: RUN_ID,
    campaign: campaign(),
    startedAt: STARTED_AT,
    testMode: false,
    variables: {},
    ...over,
  };
}

/** An activity as the campaign's schema parses it (defaults filled in), as the compiler embeds it. */
export function activity(raw: Record<string, unknown>): ActivityDef {
  const m = ACTIVITIES.get(String(raw.type));
  if (!m) throw new Error(`unknown activity type ${String(raw.type)}`);
  return m.schema.parse(raw);
}

/** The key schema of a dimension of the tiny catalog, plus extra columns. */
export function schema(
  dimension: string | null = 'recipients',
  extra: Array<{ name: string; type: ColumnType }> = [],
): WorkSchema {
  const key = dimension ? [{ name: 'id', type: 'integer' as const }] : [];
  return { dimension, columns: [...key, ...extra] };
}

/** A population written by activity `from` of this run, in partition `output`. */
export function pop(from: string, output = 'main', rows = 3, s: WorkSchema = schema()): Population {
  return population(s, { location: `work/camp/${RUN_ID}/${from}`, table: `w_${from}`, output, rows });
}

export const inbound = (
  transition: string,
  from: string,
  s: WorkSchema | null = schema(),
  output = 'main',
): InboundRef => ({ transition, from, output, schema: s });

export const outbound = (transition: string, to: string, output = 'main'): OutboundRef => ({
  transition,
  output,
  to,
});

export function gateEvent(
  a: Record<string, unknown>,
  options: { inbound?: InboundRef[]; outbound?: OutboundRef[]; run?: RunContext; resumed?: boolean } = {},
): GateEvent {
  return {
    step: 'gate',
    token: `token-${String(a.id)}`,
    run: options.run ?? runContext(),
    activity: activity(a),
    inbound: options.inbound ?? [],
    outbound: options.outbound ?? [],
    ...(options.resumed ? { resumed: true } : {}),
  };
}

export function startEvent(over: Partial<StartEvent> = {}): StartEvent {
  return {
    step: 'start',
    input: {},
    execution: 'exec-1',
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:camp:exec-1',
    startTime: STARTED_AT,
    campaign: campaign(),
    activities: [],
    ...over,
  };
}

type Gated = Exclude<GateResult, { action: 'done' | 'send' }>;

export function recordEvent(gate: Gated, options: { run?: RunContext; queryId?: string } = {}): RecordEvent {
  return {
    step: 'record',
    run: options.run ?? runContext(),
    gate: { ...gate, ...(gate.action === 'query' ? { query: { id: options.queryId ?? 'q-1' } } : {}) },
  };
}

export function failEvent(
  a: { id: string; type: string },
  error: { Error?: string; Cause?: string },
  options: { run?: RunContext; outbound?: OutboundRef[] } = {},
): FailEvent {
  return {
    step: 'fail',
    run: options.run ?? runContext(),
    activity: { id: a.id, type: a.type },
    outbound: options.outbound ?? [],
    error,
  };
}

export function finalizeEvent(
  status: 'completed' | 'failed',
  options: { run?: RunContext; error?: { Error?: string; Cause?: string } } = {},
): FinalizeEvent {
  return {
    step: 'finalize',
    run: options.run ?? runContext(),
    status,
    ...(options.error ? { error: options.error } : {}),
  };
}

/** A run in the store as the start step leaves it, with its activities pending. */
export async function seedRun(
  store: MemoryStore,
  options: {
    run?: RunContext;
    record?: Partial<RunRecord>;
    activities?: Array<{ id: string; type: string } & Partial<ActivityRecord>>;
  } = {},
): Promise<RunRecord> {
  const ctx = options.run ?? runContext();
  const record: RunRecord = {
    runId: ctx.runId,
    campaignId: ctx.campaign.id,
    status: 'running',
    startedAt: ctx.startedAt,
    testMode: ctx.testMode,
    variables: ctx.variables,
    ...options.record,
  };
  await store.createRun(record);
  await store.putActivities(
    ctx.runId,
    (options.activities ?? []).map(({ id, type, ...rest }) => ({
      activityId: id,
      type,
      status: 'pending' as const,
      tasks: 0,
      ...rest,
    })),
  );
  return record;
}
