/**
 * A send worker (a worker thread of runtime/send-workers.ts): runs the chunk sender of the send
 * function (lambdas/orchestrator/chunk.ts, unchanged) with the local channel deps built here, on
 * this thread's own event loop, the ledger reached over dynalite's HTTP endpoint. Each message is
 * a chunk attempt { id, job }; each answer { id, result } or { id, error: { name, message } }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ChunkJob, sendChunk } from '../lambdas/orchestrator/chunk.js';
import { localChannels } from './local-channels.js';
import type { SendWorkerData, WorkerAnswer } from './send-workers.js';

const data = workerData as SendWorkerData;
const client = new DynamoDBClient({
  endpoint: data.endpoint,
  region: 'local',
  credentials: data.credentials,
  maxAttempts: 3,
});
const deps = localChannels(data.channels, client, data.table);
const port = parentPort;
if (!port) throw new Error('runtime/send-worker.ts runs as a worker thread of runtime/send-workers.ts');

// Loaded and its deps built: the pool may count on it.
port.postMessage({ ready: true } satisfies WorkerAnswer);
port.on('message', (m: { id: number; job: ChunkJob } | { close: true }) => {
  if ('close' in m) {
    void Promise.all(Object.values(deps.providers).map((p) => p?.close?.().catch(() => undefined))).then(() => {
      client.destroy();
      port.close();
    });
    return;
  }
  sendChunk(m.job, deps).then(
    (result) => port.postMessage({ id: m.id, result } satisfies WorkerAnswer),
    (e: unknown) =>
      port.postMessage({
        id: m.id,
        error: {
          name: e instanceof Error ? e.name : 'Error',
          message: e instanceof Error ? e.message : String(e),
        },
      } satisfies WorkerAnswer),
  );
});
