/**
 * The records of the status table as read back: each item is checked against its record's schema
 * at the adapter boundary. An item that does not match is an error naming its key, not a silent
 * cast. Items written before populations had one type (flat location, table, rows, columns...)
 * are read in the current shape.
 */
import { z } from 'zod';
import { CAMPAIGN_STATUSES, RUN_STATUSES } from '../../statemachines/lifecycle.js';
import type { Parking } from '../ports/control.js';
import {
  ACTIVITY_STATUSES,
  LOG_LEVELS,
  TASK_STATUSES,
  type ActivityRecord,
  type AudienceRecord,
  type CampaignRecord,
  type CampaignRuns,
  type CampaignRunsView,
  type HistoryEntry,
  type LogEntry,
  type RunRecord,
  type TaskRecord,
  type TransitionRecord,
  type VersionRecord,
} from '../ports/store.js';
import type { Population } from '../sql/population.js';
import { type Column, COLUMN_TYPES } from '../sql/types.js';
import { describeKey, KEY_ATTRIBUTES } from './dynamodb-keys.js';

type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;

/** A schema whose output is the record type, field for field (a forgotten field would be stripped on read). */
const exactly =
  <T>() =>
  <S extends z.ZodType<T>>(
    schema: S,
    ..._sameFields: SameKeys<z.output<S>, T> extends true
      ? []
      : ['the schema and the record type have different fields']
  ): S =>
    schema;

const column = exactly<Column>()(z.object({ name: z.string(), type: z.enum(COLUMN_TYPES) }));

const population = exactly<Population>()(
  z.object({
    dimension: z.string().nullable(),
    columns: z.array(column),
    stored: z.record(z.string(), z.string()).optional(),
    location: z.string(),
    table: z.string(),
    output: z.string(),
    rows: z.number(),
  }),
);

const campaign = exactly<CampaignRecord>()(
  z.object({
    id: z.string(),
    label: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    definition: z.unknown(),
    version: z.number(),
    changed: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().optional(),
    source: z.enum(['api', 'code']),
    revision: z.number(),
  }),
);

/** The fields of a campaign record but its definition (what a campaign head reads). */
export const campaignHeadFields = campaign.omit({ definition: true }).shape;

const version = exactly<VersionRecord>()(
  z.object({
    campaignId: z.string(),
    version: z.number(),
    definition: z.unknown(),
    publishedAt: z.string(),
    machine: z.string().optional(),
  }),
);

const run = exactly<RunRecord>()(
  z.object({
    runId: z.string(),
    campaignId: z.string(),
    campaignLabel: z.string().optional(),
    version: z.number().optional(),
    status: z.enum(RUN_STATUSES),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    testMode: z.boolean(),
    variables: z.record(z.string(), z.unknown()),
    trigger: z.string().optional(),
    error: z.string().optional(),
    pausedReason: z.string().optional(),
    consecutiveErrors: z.number().optional(),
    aborting: z.boolean().optional(),
    purged: z.boolean().optional(),
    execution: z.string().optional(),
    activityCount: z.number().optional(),
    doneCount: z.number().optional(),
    failedCount: z.number().optional(),
    failedActivity: z.string().optional(),
  }),
);

const activity = exactly<ActivityRecord>()(
  z.object({
    activityId: z.string(),
    type: z.string(),
    label: z.string().optional(),
    status: z.enum(ACTIVITY_STATUSES),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    error: z.string().optional(),
    tasks: z.number().optional(),
    attempts: z.number().optional(),
    rows: z.number().optional(),
    sendingSince: z.string().optional(),
  }),
);

const transition = exactly<TransitionRecord>()(
  z.object({
    transitionId: z.string(),
    from: z.string(),
    output: z.string(),
    to: z.string(),
    active: z.boolean(),
    population: population.nullable(),
    at: z.string(),
  }),
);

const log = exactly<LogEntry>()(
  z.object({
    at: z.string(),
    level: z.enum(LOG_LEVELS),
    activity: z.string().optional(),
    message: z.string(),
    sql: z.string().optional(),
    durationMs: z.number().optional(),
    rows: z.number().optional(),
    actor: z.string().optional(),
  }),
);

const task = exactly<TaskRecord>()(
  z.object({
    activityId: z.string(),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    status: z.enum(TASK_STATUSES),
    rows: z.number().optional(),
    error: z.string().optional(),
  }),
);

const audience = exactly<AudienceRecord>()(
  z.object({
    name: z.string(),
    campaignId: z.string(),
    runId: z.string(),
    savedAt: z.string(),
    population: population.extend({ dimension: z.string() }),
  }),
);

const history = exactly<HistoryEntry>()(z.object({ runId: z.string(), at: z.string(), population }));

const historyMeta = z.object({ lastRunAt: z.string() });

const parking = exactly<Parking>()(
  z.object({
    runId: z.string(),
    activityId: z.string(),
    kind: z.enum(['gate', 'suspended', 'confirm']),
    token: z.string(),
    event: z.unknown(),
  }),
);

/** A run register: DynamoDB's string set comes back as a Set (absent when empty). */
const campaignRuns = exactly<CampaignRuns>()(
  z.object({
    running: z
      .union([z.set(z.string()), z.array(z.string())])
      .optional()
      .transform((r) => [...(r ?? [])].sort()),
    exclusive: z.string().optional(),
    deleting: z.boolean().optional(),
  }),
);

/** A run register with the runs it points at. */
const campaignRunsView = exactly<CampaignRunsView>()(
  campaignRuns.extend({ lastRun: z.string().optional(), lastFailed: z.string().optional() }),
);

/** The population of an item written with flat population fields (before populations had one type). */
function flatPopulation(item: Record<string, unknown>, output: unknown, dimension: unknown): Record<string, unknown> {
  return {
    dimension,
    columns: item.columns,
    ...(item.stored !== undefined ? { stored: item.stored } : {}),
    location: item.location,
    table: item.table,
    output,
    rows: item.rows,
  };
}

const FLAT = ['dimension', 'columns', 'stored', 'location', 'table', 'rows'];
const without = (item: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !names.includes(k)));
const isFlat = (item: Record<string, unknown>) => !('population' in item) && 'location' in item;

const upgradeTransition = (i: Record<string, unknown>) =>
  isFlat(i)
    ? {
        ...without(i, FLAT),
        // An inactive or control-flow-only transition had the placeholder location '-'.
        population: i.active && i.location !== '-' ? flatPopulation(i, i.output, i.dimension) : null,
      }
    : i;
const upgradeAudience = (i: Record<string, unknown>) =>
  isFlat(i) ? { ...without(i, FLAT), population: flatPopulation(i, 'main', i.dimension) } : i;
const upgradeHistory = (i: Record<string, unknown>) =>
  isFlat(i) ? { ...without(i, FLAT), population: flatPopulation(i, 'main', null) } : i;

function describeIssue(issue: z.core.$ZodIssue): string {
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  return issue.path.length ? `${issue.path.join('.')}: ${message}` : message;
}

/** Reads one kind of record: `name` is what messages call it (with its article); `upgrade` reads an older item in the current shape. */
function reader<T>(name: string, schema: z.ZodType<T>, upgrade?: (item: Record<string, unknown>) => unknown) {
  return (item: Record<string, unknown>): T => {
    const fields = without(item, [...KEY_ATTRIBUTES]);
    const r = schema.safeParse(upgrade ? upgrade(fields) : fields);
    if (r.success) return r.data;
    throw new Error(
      `status store: item ${describeKey(item)} does not match ${name} record: ${r.error.issues.map(describeIssue).join('; ')}`,
    );
  };
}

/** The record each kind of item holds (its key attributes removed); throws, naming the key, when it does not match. */
export const read = {
  campaign: reader('a campaign', campaign),
  version: reader('a campaign version', version),
  run: reader('a run', run),
  activity: reader('an activity', activity),
  transition: reader('a transition', transition, upgradeTransition),
  log: reader('a log entry', log),
  task: reader('a task', task),
  audience: reader('a saved audience', audience, upgradeAudience),
  history: reader('a history entry', history, upgradeHistory),
  historyMeta: reader('a history watermark', historyMeta),
  parking: reader('a parked task', parking),
  campaignRuns: reader('a run register', campaignRuns),
  campaignRunsView: reader('a run register', campaignRunsView),
};
