/**
 * The local send function's chunk senders in worker threads: the embedded runtime runs the chunks
 * of a send Map in one process, and one event loop renders, hands over and ledgers about 1 message
 * per ms (bench/channels.ts); worker threads let concurrent chunks use every core. Each worker runs
 * the same chunk sender (lambdas/orchestrator/chunk.ts) with the same local deps
 * (runtime/local-channels.ts), built in the worker: its own SMTP pool, the ledger and the rate
 * limiter over dynalite's HTTP endpoint (so the activity's rate stays shared by all the chunks),
 * the data folder read directly. A chunk's result comes back as is; its error by name and message,
 * as the orca error it was (Orca.ChunkBusy stays retryable; Orca.ChunkContinue is the handler's).
 *
 * Every chunk the Map starts runs at once (as in process), on the worker with the fewest chunks.
 * A worker that dies fails its chunks with Runtime.ExitError, as a Lambda function whose runtime
 * exits (what it left `sending` a later attempt marks unknown, never re-sent); the next chunk
 * starts a new worker.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChunkJob, SendChunk } from '../lambdas/orchestrator/chunk.js';
import type { ChunkCounts } from '../lambdas/ports/ledger.js';
import {
  ActivityError,
  ChunkBusy,
  ChunkContinue,
  type OrcaError,
  RunStopped,
  TransientError,
} from '../lambdas/util/errors.js';
import type { LocalChannelOptions } from './local-channels.js';

/** What a worker builds its deps from (structured-cloned into it). */
export interface SendWorkerData {
  channels: LocalChannelOptions;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  table: string;
}

export type WorkerAnswer =
  | { ready: true }
  | { id: number; result: { counts: ChunkCounts; done: boolean } }
  | { id: number; error: { name: string; message: string } };

export interface SendWorkersOptions extends SendWorkerData {
  /** Worker threads (default: the cores, at most 4). */
  size?: number;
}

/** ORCA_SEND_WORKERS: the number of send workers; 0 sends in the runtime's own thread. */
export function sendWorkersFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.ORCA_SEND_WORKERS?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new Error(`ORCA_SEND_WORKERS: expected a whole number of worker threads from 0 to 64, got '${v}'`);
  return n;
}

export const defaultSendWorkers = (): number => Math.min(availableParallelism(), 4);

const ERRORS: Record<string, (message: string) => OrcaError> = {
  [ActivityError.errorName]: (m) => new ActivityError(m),
  [TransientError.errorName]: (m) => new TransientError(m),
  [ChunkBusy.errorName]: (m) => new ChunkBusy(m),
  [ChunkContinue.errorName]: (m) => new ChunkContinue(m),
  [RunStopped.errorName]: () => new RunStopped(),
};

/** The error a worker reported, as the kind of error it was. */
export function workerError(e: { name: string; message: string }): Error {
  const known = ERRORS[e.name];
  if (known) return known(e.message);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

/** The worker's module: the compiled one beside this file, or under tsx (tests, `npx tsx`) the source, with tsx's loader. */
function startWorker(data: SendWorkerData): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./send-worker.js', self), { workerData: data });
  // Node 20 does not hand tsx's loader to a worker's entry: register it in the worker, then import.
  const target = new URL('./send-worker.ts', self).href;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((api) => { api.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(code, { eval: true, workerData: data });
}

interface Slot {
  worker: Worker;
  /** Settles when the worker has loaded (or failed to). */
  ready: Promise<void>;
  running: Map<number, { resolve: (r: { counts: ChunkCounts; done: boolean }) => void; reject: (e: Error) => void }>;
}

export class SendWorkers {
  readonly size: number;
  private readonly slots: Array<Slot | undefined>;
  private nextId = 0;

  constructor(private readonly options: SendWorkersOptions) {
    this.size = options.size ?? defaultSendWorkers();
    if (this.size < 1) throw new Error('SendWorkers: at least one worker thread');
    this.slots = Array.from({ length: this.size }, () => undefined);
  }

  /** The send function's chunk sender (makeSendHandler's SendChunk), in a worker. */
  readonly sendChunk: SendChunk = (job: ChunkJob) => {
    const slot = this.leastBusy();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.running.set(id, { resolve, reject });
      // A worker with chunks keeps the process alive; an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  };

  /**
   * Starts every worker and waits until each has loaded (under tsx each compiles the sender's
   * modules, about a second of CPU): a benchmark measures sending, not that.
   */
  async warm(): Promise<void> {
    for (let i = 0; i < this.slots.length; i++) if (!this.slots[i]) this.start(i).worker.unref();
    await Promise.all(this.slots.map((s) => s?.ready));
  }

  /** Chunks running now, per worker (tests). */
  get running(): number[] {
    return this.slots.map((s) => s?.running.size ?? 0);
  }

  private leastBusy(): Slot {
    let best = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s) return this.start(i);
      if (s.running.size < (this.slots[best]?.running.size ?? 0)) best = i;
    }
    return this.slots[best] ?? this.start(best);
  }

  private start(i: number): Slot {
    const { size: _, ...data } = this.options;
    const worker = startWorker(data);
    let loaded!: () => void;
    const slot: Slot = { worker, running: new Map(), ready: new Promise((res) => (loaded = res)) };
    worker.on('message', (a: WorkerAnswer) => {
      if ('ready' in a) return loaded();
      const waiting = slot.running.get(a.id);
      if (!waiting) return;
      slot.running.delete(a.id);
      if (!slot.running.size) slot.worker.unref();
      if ('result' in a) waiting.resolve(a.result);
      else waiting.reject(workerError(a.error));
    });
    const fail = (why: string) => {
      loaded();
      if (this.slots[i] === slot) this.slots[i] = undefined;
      for (const w of slot.running.values())
        w.reject(workerError({ name: 'Runtime.ExitError', message: `the send worker ${why}` }));
      slot.running.clear();
    };
    worker.on('error', (e) => fail(`failed: ${e.message}`));
    worker.on('exit', (code) => fail(`exited (${code})`));
    this.slots[i] = slot;
    return slot;
  }

  /** Ends the workers (their SMTP pools closed first); chunks still running fail. */
  async close(): Promise<void> {
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    await Promise.all(
      slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.once('exit', () => resolve());
            s.worker.postMessage({ close: true });
            // A worker stuck in a chunk is ended anyway.
            setTimeout(() => void s.worker.terminate(), 2_000).unref();
          }),
      ),
    );
  }
}
