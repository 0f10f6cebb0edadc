/**
 * The one base of orca's errors. Each kind of error is a class deriving from `OrcaError` that
 * declares, as static members, its stable `errorName` and whether it is `retryable`:
 *
 * - `name` (an instance's, from `errorName`) is what Step Functions matches in a Retry or Catch
 *   `ErrorEquals` (a Lambda error's `errorType`), what the failure handler reads and what tests and
 *   callers compare; it never changes with the message.
 * - `retryable` says whether trying the same thing again may succeed (throttling, a service
 *   hiccup), as opposed to a problem that stays until something is changed.
 *
 * Being static, both can be read from the classes without making an error: the state machine's
 * retry lists and the failure handler's name → retryable table are built from the classes.
 */
export abstract class OrcaError extends Error {
  /** The stable name of this kind of error (a subclass declares its own). */
  static readonly errorName: string = 'OrcaError';
  /** Whether trying again may succeed (a subclass declares its own; most are not). */
  static readonly retryable: boolean = false;

  override readonly name: string;
  readonly #kind: ErrorKind;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.#kind = new.target;
    this.name = new.target.errorName;
  }

  get retryable(): boolean {
    return this.#kind.retryable;
  }
}

/** What a class of error declares: its name and whether it is retryable. */
export interface ErrorKind {
  readonly errorName: string;
  readonly retryable: boolean;
}

/** A name → retryable table of some kinds of error (names must be distinct). */
export function retryableByName(kinds: readonly ErrorKind[]): ReadonlyMap<string, boolean> {
  const table = new Map<string, boolean>();
  for (const k of kinds) {
    if (table.has(k.errorName)) throw new Error(`two error classes are named ${k.errorName}`);
    table.set(k.errorName, k.retryable);
  }
  return table;
}

/** The names of the retryable kinds, in order: e.g. for a Retry's `ErrorEquals`. */
export function retryableNames(kinds: readonly ErrorKind[]): string[] {
  return kinds.filter((k) => k.retryable).map((k) => k.errorName);
}

// The errors of a run, whose names the compiled state machine matches (Retry, Catch) and the
// failure handler reads to decide between retrying, failing and the error policy.

/** An activity failed for a reason of its own (bad data, a query error): trying again would not help. */
export class ActivityError extends OrcaError {
  static override readonly errorName = 'Orca.ActivityError';
}

/** Worth trying again: throttling, a service hiccup. */
export class TransientError extends OrcaError {
  static override readonly errorName = 'Orca.Transient';
  static override readonly retryable = true;
}

export class RunStopped extends OrcaError {
  static override readonly errorName = 'Orca.RunStopped';
  constructor() {
    super('the run was stopped');
  }
}

/** The orca errors whose names reach the state machine (a Lambda's errorType, a callback's error). */
export const STATE_MACHINE_ERRORS = [ActivityError, TransientError, RunStopped] as const;

/**
 * A chunk sender stopped before its time budget with messages left to send: the state machine's
 * Retry calls it again at once and it goes on where it stopped (matched by name, never a failure).
 */
export class ChunkContinue extends OrcaError {
  static override readonly errorName = 'Orca.ChunkContinue';
}

/** Another attempt still holds a chunk's lease (an invocation running after its caller gave up): wait and retry. */
export class ChunkBusy extends OrcaError {
  static override readonly errorName = 'Orca.ChunkBusy';
  static override readonly retryable = true;
}
