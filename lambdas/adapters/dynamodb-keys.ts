/**
 * The status table's key schema, in one place: the table and its indexes, every partition and sort
 * key prefix, and the builders and parsers of keys. A run and everything about it share one
 * partition (RUN#<run>); a campaign and its versions another (CAMPAIGN#<id>); GSI1 lists a
 * campaign's runs by start time, GSI2 lists campaigns, recent runs and the run registers.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Partition and sort key prefixes and fixed sort keys. */
export const PREFIX = {
  campaign: 'CAMPAIGN#',
  version: 'VERSION#',
  run: 'RUN#',
  activity: 'ACT#',
  transition: 'TR#',
  log: 'LOG#',
  task: 'TASK#',
  audience: 'AUDIENCE#',
  history: 'HISTORY#',
  parking: 'WAIT#',
} as const;

/** Sort keys of the single item of a partition. */
const SINGLE = {
  campaign: 'CAMPAIGN',
  campaignRuns: 'RUNS',
  run: 'RUN',
  plan: 'PLAN',
  audience: 'AUDIENCE',
  historyMeta: 'META',
} as const;

/** GSI partition keys of the lists that span partitions. */
export const LIST = { campaigns: 'CAMPAIGNS', runs: 'RUNS', registers: 'REGISTERS' } as const;

/** Secondary indexes: a campaign's runs (gsi1), campaigns and recent runs (gsi2). */
export const INDEX = { byCampaign: 'gsi1', lists: 'gsi2' } as const;

/** Attributes that are keys, not record fields. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

/** A type, not an interface: keys go where records of attributes do. */
export type Key = { pk: string; sk: string };

const pad = (version: number) => String(version).padStart(6, '0');

export const campaignPk = (id: string) => `${PREFIX.campaign}${id}`;
export const runPk = (runId: string) => `${PREFIX.run}${runId}`;
export const historyPk = (campaignId: string, activityId: string) => `${PREFIX.history}${campaignId}#${activityId}`;

/** The key of each kind of item. */
export const keys = {
  campaign: (id: string): Key => ({ pk: campaignPk(id), sk: SINGLE.campaign }),
  /** A campaign's run register: the runs in progress (see CampaignRuns); outlives a deletion as its tombstone. */
  campaignRuns: (id: string): Key => ({ pk: campaignPk(id), sk: SINGLE.campaignRuns }),
  version: (campaignId: string, version: number): Key => ({
    pk: campaignPk(campaignId),
    sk: `${PREFIX.version}${pad(version)}`,
  }),
  run: (runId: string): Key => ({ pk: runPk(runId), sk: SINGLE.run }),
  /** The run's campaign plan (its activities' settings), next to the run. */
  plan: (runId: string): Key => ({ pk: runPk(runId), sk: SINGLE.plan }),
  activity: (runId: string, activityId: string): Key => ({ pk: runPk(runId), sk: `${PREFIX.activity}${activityId}` }),
  transition: (runId: string, transitionId: string): Key => ({
    pk: runPk(runId),
    sk: `${PREFIX.transition}${transitionId}`,
  }),
  /** Log entries sort by time, then by writer and sequence (two entries may share a millisecond). */
  log: (runId: string, at: string, writer: string, seq: number): Key => ({
    pk: runPk(runId),
    sk: `${PREFIX.log}${at}#${writer}#${String(seq).padStart(9, '0')}`,
  }),
  task: (runId: string, startedAt: string, activityId: string): Key => ({
    pk: runPk(runId),
    sk: `${PREFIX.task}${startedAt}#${activityId}`,
  }),
  audience: (name: string): Key => ({ pk: `${PREFIX.audience}${name}`, sk: SINGLE.audience }),
  history: (campaignId: string, activityId: string, runId: string): Key => ({
    pk: historyPk(campaignId, activityId),
    sk: `${PREFIX.run}${runId}`,
  }),
  historyMeta: (campaignId: string, activityId: string): Key => ({
    pk: historyPk(campaignId, activityId),
    sk: SINGLE.historyMeta,
  }),
  parking: (runId: string, activityId: string): Key => ({ pk: runPk(runId), sk: `${PREFIX.parking}${activityId}` }),
};

/** Index keys of a campaign: listed in GSI2. */
export const campaignIndexKeys = (id: string) => ({ gsi2pk: LIST.campaigns, gsi2sk: id });

/** Index keys of a campaign's run register once it has runs: listed in GSI2 (the campaign list reads them all at once). */
export const registerIndexKeys = (campaignId: string) => ({ gsi2pk: LIST.registers, gsi2sk: campaignId });

/** Index keys of a run: a campaign's runs (GSI1) and recent runs (GSI2) sort by start time (scheduled executions have random names). */
export const runIndexKeys = (run: { runId: string; campaignId: string; startedAt: string }) => ({
  gsi1pk: campaignPk(run.campaignId),
  gsi1sk: `${PREFIX.run}${run.startedAt}#${run.runId}`,
  gsi2pk: LIST.runs,
  gsi2sk: `${run.startedAt}#${run.runId}`,
});

/** The sort-key range of a run's log entries after `after` (a log id): '$' sorts right after '#'. */
export const logRange = (after?: string) => ({ from: `${PREFIX.log}${after ?? ''}`, to: 'LOG$' });

/** A log entry's id (what `after` takes) from its sort key. */
export const logIdOf = (sk: string) => sk.slice(PREFIX.log.length);

/** Whether a sort key of a history partition is one of its entries (not its META item). */
export const isHistoryEntry = (sk: string) => sk.startsWith(PREFIX.run);

/** An item's key, for messages: "RUN#r1 / TR#t3". */
export function describeKey(item: Record<string, unknown>): string {
  return `${String(item.pk)} / ${String(item.sk)}`;
}

/** The table's key schema, for CDK and for creating it locally. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: KEY_ATTRIBUTES.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [INDEX.byCampaign, INDEX.lists].map((IndexName) => ({
      IndexName,
      KeySchema: [
        { AttributeName: `${IndexName}pk`, KeyType: 'HASH' },
        { AttributeName: `${IndexName}sk`, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * The channels' items in the same table (lambdas/ports/ledger.ts): one per message, and a report's
 * counters per campaign, run and activity (a campaign's runs under one partition).
 */
export const CHANNEL_PREFIX = { message: 'MSG#', stats: 'STATS#' } as const;
export const channelKeys = {
  message: (messageId: string): Key => ({ pk: `${CHANNEL_PREFIX.message}${messageId}`, sk: 'MSG' }),
  stats: (campaignId: string, runId: string, activityId: string): Key => ({
    pk: `${CHANNEL_PREFIX.stats}${campaignId}`,
    sk: `${runId}#${activityId}`,
  }),
};
