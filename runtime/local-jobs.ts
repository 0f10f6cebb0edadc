/**
 * How the embedded runtime runs a job's state machine (an import's, statemachines/import-job.ts, or
 * an export's, export-job.ts) with the local Step Functions runner: each Task state is its stage,
 * served in-process (`stage`), the machine's Catch step its `fail`; a paused job's Wait polls
 * every LOCAL_PAUSE_POLL_MS. Jobs started for the API go on in the background; on shutdown
 * the executions of this process end (LocalImports.stopAll, LocalExports.stopAll mark them first).
 */
import { allStates, type StateMachineDefinition } from '../statemachines/asl.js';
import { FAIL_STAGE } from '../statemachines/import-job.js';
import type { JobFailure } from '../lambdas/orchestrator/job-interrupted.js';
import { type LocalHandlers, startLocalExecution } from './local-runtime.js';

/** How often a paused job looks at its status again, locally (ms). */
const LOCAL_PAUSE_POLL_MS = 200;

export interface JobMachine<S extends string> {
  definition: StateMachineDefinition;
  /** Runs a stage; `wait` while the job is paused. */
  stage(stage: S): Promise<{ next: string }>;
  /** The Catch step: a stage threw past its own handling. */
  fail(failure: JobFailure | undefined): Promise<{ next: string }>;
  /** Hears each stage as it ends (not the waits of a paused job). */
  onStage?: (stage: S) => void | Promise<void>;
}

export class LocalJobs {
  /** Hears what went wrong in a job run in the background (the server's log). */
  onError: (message: string) => void = () => {};
  private readonly background = new Set<Promise<void>>();
  private readonly executions = new Map<string, { abort: () => void }>();

  /** The ids of the jobs this process is running. */
  running(): string[] {
    return [...this.executions.keys()];
  }

  /** Runs a job's machine to its end. */
  async execute<S extends string>(id: string, m: JobMachine<S>): Promise<void> {
    const handlers: LocalHandlers = {};
    const waits: Record<string, number> = {};
    for (const [name, state] of allStates(m.definition)) {
      if (state.Type === 'Wait') waits[name] = LOCAL_PAUSE_POLL_MS;
      if (state.Type !== 'Task') continue;
      const stage = (state.Parameters as { Payload: { stage: S | typeof FAIL_STAGE } }).Payload.stage;
      handlers[name] =
        stage === FAIL_STAGE
          ? async (input) => ({
              StatusCode: 200,
              Payload: await m.fail((input as { Payload?: { failure?: JobFailure } }).Payload?.failure),
            })
          : async () => {
              const r = await m.stage(stage);
              if (m.onStage && r.next !== 'wait') await m.onStage(stage);
              return { StatusCode: 200, Payload: r };
            };
    }
    const execution = startLocalExecution(m.definition, id, { jobId: id }, handlers, waits);
    this.executions.set(id, execution);
    try {
      await execution.result;
    } finally {
      this.executions.delete(id);
    }
  }

  /** Runs a job in the background: its failure is heard by onError, never thrown. */
  inBackground(kind: 'import' | 'export', id: string, run: () => Promise<unknown>): void {
    const done = run().then(
      () => {},
      (e: unknown) =>
        this.onError(`${kind} job ${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }

  /** Ends this process's executions (the runtime is closing). */
  abortAll(): void {
    for (const e of this.executions.values()) e.abort();
  }

  /** Ends the executions, then waits for the background jobs to settle. */
  async stopAll(): Promise<void> {
    this.abortAll();
    await Promise.allSettled([...this.background]);
  }
}
