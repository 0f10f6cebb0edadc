/**
 * Benchmarks of the chunk sender (lambdas/orchestrator/chunk.ts) on the embedded runtime's parts:
 * the message table as Parquet written by DuckDB (PARTITION_BY orca_chunk, as prepare writes it),
 * the data folder as the object store, the ledger and the rate limiter on dynalite (in process, as
 * in `orca serve`).
 * - send: N emails rendered by the activity's templates (liquidjs; the unsubscribe link and
 *   headers, orca's click and open tracking) and handed by the SMTP provider (nodemailer's pool) to
 *   a real SMTP server (smtp-server, its own process), several chunks at once, each in one of the
 *   local send workers (runtime/send-workers.ts, as `orca run` sends): messages per second, and the
 *   CPU time per message of the sender's process (all its threads, dynalite's too) and of the server's.
 * - throttle: several chunks at once sharing one activity's rate for a time: the measured rate.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DynamoDbLedger, DynamoDbRateLimiter } from '../lambdas/adapters/dynamodb-ledger.js';
import { FsObjectStore } from '../lambdas/adapters/fs-objects.js';
import { emailSchema } from '../lambdas/activities/channels.js';
import { DynamoDbReportStore } from '../lambdas/adapters/dynamodb-report.js';
import { type ChunkJob, type SendChunk, sendChunk } from '../lambdas/orchestrator/chunk.js';
import type { ChannelDeps } from '../lambdas/orchestrator/types.js';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../lambdas/ports/channel.js';
import { startDynalite, TABLE } from '../runtime/dynalite.js';
import { localChannels } from '../runtime/local-channels.js';
import { SendWorkers } from '../runtime/send-workers.js';
import { startSmtpSink } from './smtp-sink.js';

export interface ChannelBenchOptions {
  root: string;
  dataRoot: string;
  log: (line: string) => void;
}

const activity = emailSchema.parse({
  id: 'mail',
  type: 'email',
  from: 'news@example.com',
  subject: 'Hello {{ first }}, {{ points }} points',
  html: '<p>Dear {{ first }},</p><p>You joined on {{ since }} and have {{ points }} points.</p><p><a href="https://shop.example/offer">See the offer</a></p>',
  text: 'Dear {{ first }},\n\nYou joined on {{ since }} and have {{ points }} points.\nSee the offer: https://shop.example/offer',
});

/** The message table of `rows` recipients in `chunks` chunks; the files of each chunk. */
async function messageTable(dataRoot: string, runId: string, rows: number, chunks: number): Promise<string[][]> {
  const location = join(dataRoot, 'work/bench', runId, 'mail/orca_output=messages');
  rmSync(location, { recursive: true, force: true });
  mkdirSync(location, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  await db.run(`COPY (
    SELECT i AS id, 'First' || i AS first, DATE '2020-01-01' + (i % 2000)::INTEGER AS since, (i * 7) % 10000 AS points,
           md5('${runId}|mail|' || i) AS orca_message_id, 'user' || i || '@example.com' AS orca_address,
           i % ${chunks} AS orca_chunk
    FROM range(${rows}) r(i)) TO '${location}' (FORMAT PARQUET, PARTITION_BY (orca_chunk))`);
  db.closeSync();
  instance.closeSync();
  const keys = (await new FsObjectStore(dataRoot).list(`work/bench/${runId}/mail/orca_output=messages/`)).map(
    (o) => o.key,
  );
  return Array.from({ length: chunks }, (_, c) => keys.filter((k) => k.includes(`/orca_chunk=${c}/`)));
}

/** `n` at a time over the jobs. */
async function eachLimit<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const job = (runId: string, chunk: number, files: string[], extra: Partial<ChunkJob> = {}): ChunkJob => ({
  campaignId: 'bench',
  runId,
  activity,
  channel: 'email',
  chunk,
  files,
  attempt: `bench-${chunk}`,
  deadline: Date.now() + 3_600_000,
  ...extra,
});

export interface SendBenchResult {
  messages: number;
  seconds: number;
  perSecond: number;
  received: number;
  /** CPU time per message of the sender's process and of the SMTP server's (what the machine's load does not change much). */
  senderCpuMs: number;
  serverCpuMs: number;
}

export async function benchSend(
  o: ChannelBenchOptions & { messages: number; chunks: number; parallel: number; workers: number },
): Promise<SendBenchResult> {
  const runId = `send-${Date.now()}`;
  const files = await messageTable(o.dataRoot, runId, o.messages, o.chunks);
  const dynamo = await startDynalite();
  const sink = await startSmtpSink(o.root);
  // The local send function's parts (runtime/local-runtime.ts): the local channel deps, and the
  // chunk sender in `workers` worker threads (0: in this thread).
  const channels = { dataRoot: o.dataRoot, smtpUrl: `smtp://127.0.0.1:${sink.port}` };
  const deps = localChannels(channels, dynamo.client, TABLE);
  const workers =
    o.workers > 0
      ? new SendWorkers({
          size: o.workers,
          channels,
          endpoint: dynamo.endpoint,
          credentials: dynamo.credentials,
          table: TABLE,
        })
      : undefined;
  const send: SendChunk = workers?.sendChunk ?? sendChunk;
  try {
    // Started before the clock (the runtime keeps its workers): the time and CPU of sending only.
    const warming = performance.now();
    await workers?.warm();
    if (workers)
      o.log(`${workers.size} send workers started in ${((performance.now() - warming) / 1000).toFixed(1)} s`);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const serverBefore = (await sink.received()).cpuMs;
    let sent = 0;
    await eachLimit(
      files.map((f, c) => [c, f] as const),
      o.parallel,
      async ([c, f]) => {
        const r = await send(job(runId, c, f), deps);
        if (!r.done) throw new Error(`chunk ${c} did not finish`);
        sent += r.counts.sent ?? 0;
      },
    );
    const seconds = (performance.now() - started) / 1000;
    // The process's CPU time: every thread's (the workers', dynalite's, the main thread's).
    const used = process.cpuUsage(cpu);
    const { received, cpuMs } = await sink.received();
    if (sent !== o.messages || received !== o.messages)
      throw new Error(`sent ${sent}, the SMTP server received ${received}, of ${o.messages} messages`);
    return {
      messages: o.messages,
      seconds,
      perSecond: o.messages / seconds,
      received,
      senderCpuMs: (used.user + used.system) / 1000 / o.messages,
      serverCpuMs: (cpuMs - serverBefore) / o.messages,
    };
  } finally {
    await workers?.close();
    await Promise.all(Object.values(deps.providers).map((p) => p?.close?.()));
    await sink.close();
    await dynamo.close();
  }
}

export interface ThrottleBenchResult {
  target: number;
  seconds: number;
  sent: number;
  measured: number;
  /** The most messages handed over in one calendar second. */
  maxSecond: number;
}

/** A provider that accepts at once and notes when. */
function timingProvider(times: number[]): MessageProvider {
  return {
    channel: 'email',
    description: 'memory',
    async send(_m: OutgoingMessage): Promise<SendOutcome> {
      times.push(Date.now());
      return { status: 'sent' };
    },
  };
}

export async function benchThrottle(
  o: ChannelBenchOptions & { perSecond: number; seconds: number; chunks: number },
): Promise<ThrottleBenchResult> {
  const runId = `throttle-${Date.now()}`;
  // More than the chunks can send in the time: every chunk wants to send the whole time.
  const files = await messageTable(o.dataRoot, runId, Math.ceil(o.perSecond * o.seconds * 1.5), o.chunks);
  const dynamo = await startDynalite();
  try {
    const times: number[] = [];
    const deps: ChannelDeps = {
      providers: { email: timingProvider(times) },
      ledger: new DynamoDbLedger(dynamo.client, TABLE),
      rate: new DynamoDbRateLimiter(dynamo.client, TABLE),
      reports: new DynamoDbReportStore(dynamo.client, TABLE),
      objects: new FsObjectStore(o.dataRoot),
      links: { baseUrl: 'http://127.0.0.1:7777', secret: 'a-bench-secret-of-at-least-32-chars', tracking: 'orca' },
    };
    // From a whole second, for `seconds` (the chunks stop at their deadline: done false).
    await new Promise((res) => setTimeout(res, 1000 - (Date.now() % 1000)));
    const start = Date.now();
    const deadline = start + o.seconds * 1000;
    await Promise.all(
      files.map(async (f, c) => {
        const r = await sendChunk(job(runId, c, f, { perSecond: o.perSecond, deadline }), deps);
        if (r.done) throw new Error(`chunk ${c} ran out of messages before the end: make the table larger`);
      }),
    );
    const inWindow = times.filter((t) => t >= start && t < deadline);
    const perSecond = new Map<number, number>();
    for (const t of inWindow) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    return {
      target: o.perSecond,
      seconds: o.seconds,
      sent: times.length,
      measured: inWindow.length / o.seconds,
      maxSecond: Math.max(...perSecond.values()),
    };
  } finally {
    await dynamo.close();
  }
}
