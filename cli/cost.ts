/**
 * The cost of one run in the cloud, estimated from the compiled campaign: Step Functions state
 * transitions, Lambda invocations and time, Athena bytes scanned, DynamoDB writes, S3 requests
 * and logs, and the sends of channel activities (cost-sends.ts). Table sizes come from the local data when it is there (bytes and rows per table,
 * scaled to the number of profiles), otherwise from the sample data's shape.
 *
 * Prices: us-east-1 list prices (USD), November 2026; pass others with --prices.
 */
import type { Analysis, ValidNode } from '../statemachines/validate.js';
import type { Compiled } from '../statemachines/compile.js';
import { allStates, successPath } from '../statemachines/asl.js';
import { CHANNELS, type Channel } from '../lambdas/channels/columns.js';
import { estimateSends } from './cost-sends.js';

export const PRICES = {
  stateTransition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1_000_000,
  /** per GB-second, arm64 */
  lambdaGbSecond: 0.0000133334,
  athenaPerTb: 5,
  /** Athena bills at least 10 MB per query. */
  athenaMinBytes: 10 * 1024 ** 2,
  dynamoWrite: 1.25 / 1_000_000,
  dynamoRead: 0.25 / 1_000_000,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  logsPerGb: 0.5,
};
export type Prices = typeof PRICES;

export interface TableSize {
  /** Rows per profile (row of the campaign's dimension). */
  rowsPerProfile: number;
  bytesPerRow: number;
  measured: boolean;
}

/**
 * What a job's function (lambdas/entry/import.ts, export.ts) is assumed to do, for the job
 * estimates (cost-imports.ts, cost-exports.ts): its memory (GB); how fast it moves a file through
 * itself (a copy, a CSV streamed from S3 to S3); how long it waits for one query, a few seconds
 * plus the bytes Athena reads at its rate; the parts of its multipart uploads (athena-engine.ts).
 */
export const JOB_FUNCTION = {
  gb: 1,
  streamBytesPerSecond: 40 * 1024 ** 2,
  querySeconds: 3,
  athenaBytesPerSecond: 500 * 1024 ** 2,
  // athena-engine.ts's UPLOAD_PART (not imported: that module loads the Athena client).
  uploadPartBytes: 8 * 1024 ** 2,
};

/** The sample data's shape (orca generate): used when no data is at hand. */
export const SAMPLE_SHAPE: Record<string, TableSize> = {
  recipients: { rowsPerProfile: 1, bytesPerRow: 38, measured: false },
  purchases: { rowsPerProfile: 2.29, bytesPerRow: 16.5, measured: false },
  subscriptions: { rowsPerProfile: 1.15, bytesPerRow: 17.7, measured: false },
  products: { rowsPerProfile: 0, bytesPerRow: 24, measured: false },
};

export interface CostLine {
  item: string;
  quantity: string;
  usd: number;
  /** Set when the line has no price (the SMS price is a setting). */
  note?: string;
}

export interface CostEstimate {
  profiles: number;
  lines: CostLine[];
  total: number;
  /** Athena bytes per activity (upper bound: whole tables; Athena reads only the columns used). */
  scans: Array<{ activity: string; bytes: number }>;
}

const GB = 1024 ** 3;

export function estimateCost(
  analysis: Analysis,
  compiled: Compiled,
  sizes: Record<string, TableSize>,
  profiles: number,
  prices: Prices = PRICES,
  options: { smsPrice?: number | undefined } = {},
): CostEstimate {
  const nodes = [...analysis.nodes.values()].filter((n): n is ValidNode => n.valid && !n.def.disabled);
  const queries = nodes.filter((n) => n.module.execution === 'query');
  const waits = nodes.filter((n) => n.module.execution === 'wait');
  const parallels = [...allStates(compiled.definition)].filter(([, s]) => s.Type === 'Parallel').length;
  const transitions =
    nodes.reduce((sum, n) => sum + successPath(compiled.definition, n.def.id).length, 0) + parallels + 5;

  // Athena: each query scans the catalog tables it names (each time it names them).
  const dimension = analysis.campaign.dimension;
  const tableBytes = (t: string) => {
    const s = sizes[t] ?? { rowsPerProfile: 1, bytesPerRow: 50, measured: false };
    return Math.max(1, profiles * (t === dimension ? 1 : s.rowsPerProfile)) * s.bytesPerRow;
  };
  const catalogTables = new Set(Object.keys(sizes).concat(analysis.campaign.dimension));
  const scans = queries.map((n) => {
    const sql = n.plan?.action.type === 'query' ? n.plan.action.sql : '';
    let bytes = 0;
    for (const m of sql.matchAll(/"[a-z0-9_]+"\."([a-z0-9_]+)"/g))
      if (catalogTables.has(m[1]!)) bytes += tableBytes(m[1]!);
    // The inbound work tables: at most the population's keys and columns.
    bytes += n.inbound.length * profiles * 16;
    return { activity: n.def.id, bytes };
  });
  const athenaBytes =
    scans.reduce((a, s) => a + Math.max(prices.athenaMinBytes, s.bytes), 0) + queries.length * prices.athenaMinBytes; // + the row counts
  // start, finalize, a gate per activity, a record per query or wait
  const invocations = 2 + nodes.length + queries.length + waits.length;
  // Gates ~0.3 s at 512 MB; records wait for a small count query, ~2.5 s at 512 MB; control ~0.1 s at 256 MB.
  const gbSeconds = nodes.length * 0.3 * 0.5 + (queries.length + waits.length) * 2.5 * 0.5 + 2 * 0.1 * 0.25;
  const dynamoWrites = 4 + nodes.length * 7;
  const dynamoReads = nodes.length * 4;
  const s3Puts = queries.length * 6;
  const s3Gets = queries.length * 20;
  const logBytes = transitions * 2 * 600;

  const lines: CostLine[] = [
    ...executionLines(prices, {
      transitions,
      invocations,
      gbSeconds,
      athenaBytes,
      queries: queries.length * 2,
      dynamoWrites,
      dynamoReads,
      s3Puts,
      s3Gets,
    }),
    {
      item: 'CloudWatch Logs (execution history)',
      quantity: `${(logBytes / 1024).toFixed(0)} KB`,
      usd: (logBytes / GB) * prices.logsPerGb,
    },
  ];
  const channelActivities = nodes
    .filter((n) => (CHANNELS as readonly string[]).includes(n.def.type))
    .map((n) => ({
      id: n.def.id,
      channel: n.def.type as Channel,
      perSecond: (n.def as { throttle?: { perSecond?: number } }).throttle?.perSecond,
    }));
  lines.push(...estimateSends(channelActivities, profiles, { ...prices, smsPrice: options.smsPrice }));
  return { profiles, lines, total: lines.reduce((a, l) => a + l.usd, 0), scans };
}

/** What one execution uses, as cost lines: transitions, Lambda, Athena (an upper bound), DynamoDB, S3. */
export function executionLines(
  prices: Prices,
  u: {
    transitions: number;
    invocations: number;
    gbSeconds: number;
    athenaBytes: number;
    queries: number;
    dynamoWrites: number;
    dynamoReads: number;
    s3Puts: number;
    s3Gets: number;
  },
): CostLine[] {
  return [
    {
      item: 'Step Functions state transitions',
      quantity: `${u.transitions}`,
      usd: u.transitions * prices.stateTransition,
    },
    { item: 'Lambda requests', quantity: `${u.invocations}`, usd: u.invocations * prices.lambdaRequest },
    { item: 'Lambda compute', quantity: `${u.gbSeconds.toFixed(1)} GB-s`, usd: u.gbSeconds * prices.lambdaGbSecond },
    {
      item: 'Athena data scanned (upper bound)',
      quantity: `${(u.athenaBytes / GB).toFixed(2)} GB in ${u.queries} queries`,
      usd: (u.athenaBytes / 1024 ** 4) * prices.athenaPerTb,
    },
    {
      item: 'DynamoDB writes / reads',
      quantity: `${u.dynamoWrites} / ${u.dynamoReads}`,
      usd: u.dynamoWrites * prices.dynamoWrite + u.dynamoReads * prices.dynamoRead,
    },
    {
      item: 'S3 requests (PUT / GET)',
      quantity: `${u.s3Puts} / ${u.s3Gets}`,
      usd: u.s3Puts * prices.s3Put + u.s3Gets * prices.s3Get,
    },
  ];
}
