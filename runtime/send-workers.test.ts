/**
 * The chunk sender in a send worker (runtime/send-workers.ts), on real parts: dynalite in this
 * thread (the worker reaches it over its HTTP endpoint), Parquet files written by DuckDB, a real SMTP
 * server (smtp-server) that notes who each message went to.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSchema } from '../lambdas/activities/channels.js';
import { DynamoDbLedger } from '../lambdas/adapters/dynamodb-ledger.js';
import { FsObjectStore } from '../lambdas/adapters/fs-objects.js';
import type { ChunkJob } from '../lambdas/orchestrator/chunk.js';
import { ActivityError, ChunkBusy } from '../lambdas/util/errors.js';
import { openTestDb, type TestDb } from '../test/helpers/duckdb.js';
import { startDynalite, TABLE, type LocalDynamo } from './dynalite.js';
import { SendWorkers, sendWorkersFromEnv, workerError } from './send-workers.js';

let t: TestDb;
let dynamo: LocalDynamo;
let server: SMTPServer;
let workers: SendWorkers;
/** The RCPT TO of every message the server accepted. */
const received: string[] = [];

beforeAll(async () => {
  t = await openTestDb('orca-send-workers-');
  dynamo = await startDynalite();
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  workers = new SendWorkers({
    size: 2,
    channels: { dataRoot: t.dir, smtpUrl: `smtp://127.0.0.1:${port}` },
    endpoint: dynamo.endpoint,
    credentials: dynamo.credentials,
    table: TABLE,
  });
}, 60_000);

afterAll(async () => {
  await workers?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dynamo?.close();
  t?.close();
});

const activity = emailSchema.parse({ id: 'mail', type: 'email', from: 'news@example.com', subject: 'Hi {{first}}' });

/** Recipients user0..user5 in 2 chunks (i % 2), as prepare writes them; the files of each chunk. */
async function messageTable(runId: string): Promise<string[][]> {
  const location = `${t.dir}/work/w/${runId}/mail/orca_output=messages`;
  mkdirSync(location, { recursive: true });
  await t.db.run(`COPY (
    SELECT i AS id, 'First' || i AS first, md5('${runId}|mail|' || i) AS orca_message_id,
           'user' || i || '@example.com' AS orca_address, i % 2 AS orca_chunk
    FROM range(6) r(i)) TO '${location}' (FORMAT PARQUET, PARTITION_BY (orca_chunk))`);
  const keys = (await new FsObjectStore(t.dir).list(`work/w/${runId}/mail/orca_output=messages/`)).map((o) => o.key);
  return [0, 1].map((c) => keys.filter((k) => k.includes(`/orca_chunk=${c}/`)));
}

const job = (runId: string, chunk: number, files: string[], attempt: string): ChunkJob => ({
  campaignId: 'c',
  runId,
  activity,
  channel: 'email',
  chunk,
  files,
  attempt,
  deadline: Date.now() + 60_000,
});

describe('send workers', () => {
  it('send each chunk exactly its messages, and a retried chunk sends none again', async () => {
    const files = await messageTable('r1');
    const before = received.length;
    const sending = [0, 1].map((c) => workers.sendChunk(job('r1', c, files[c]!, `a${c}`), {} as never));
    // Two chunks at once: one on each worker.
    expect(workers.running).toEqual([1, 1]);
    const results = await Promise.all(sending);
    expect(results).toEqual([
      { counts: { sent: 3 }, done: true },
      { counts: { sent: 3 }, done: true },
    ]);
    expect(received.slice(before).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `user${i}@example.com`).sort());
    // Another attempt of chunk 1 (a Map retry): its messages have their outcome, none is sent again.
    const again = await workers.sendChunk(job('r1', 1, files[1]!, 'a1-retry'), {} as never);
    expect(again).toEqual({ counts: { sent: 3 }, done: true });
    expect(received.length - before).toBe(6);
  });

  it("surface a chunk's error as the orca error it was", async () => {
    const files = await messageTable('r2');
    const before = received.length;
    const ref = { campaignId: 'c', runId: 'r2', activityId: 'mail', channel: 'email' as const, chunk: 0 };
    // Another attempt holds the lease: the worker's sender refuses with Orca.ChunkBusy (retryable).
    await new DynamoDbLedger(dynamo.client, TABLE).leaseChunk(
      ref,
      'other',
      new Date(Date.now() + 60_000).toISOString(),
    );
    const busy = await workers.sendChunk(job('r2', 0, files[0]!, 'mine'), {} as never).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ChunkBusy);
    expect((busy as ChunkBusy).retryable).toBe(true);
    expect((busy as Error).message).toBe('mail: chunk 0 is being sent by another attempt');
    // A chunk file that is not there: the reader's error, as the chunk's.
    const missing = await workers
      .sendChunk(job('r2', 1, ['work/w/r2/none.parquet'], 'mine'), {} as never)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toMatch(/none\.parquet/);
    expect(received.length).toBe(before);
  });

  it('tell orca errors from others by name', () => {
    expect(workerError({ name: 'Orca.ActivityError', message: 'mail: bad' })).toBeInstanceOf(ActivityError);
    const other = workerError({ name: 'TimeoutError', message: 'late' });
    expect([other.name, other.message, other instanceof ActivityError]).toEqual(['TimeoutError', 'late', false]);
  });

  it('read ORCA_SEND_WORKERS', () => {
    expect(sendWorkersFromEnv({})).toBeUndefined();
    expect(sendWorkersFromEnv({ ORCA_SEND_WORKERS: '0' })).toBe(0);
    expect(() => sendWorkersFromEnv({ ORCA_SEND_WORKERS: 'two' })).toThrow(/ORCA_SEND_WORKERS.*'two'/);
  });
});
