/**
 * Fake ports for the orchestrator's steps: an in-memory status store, a recording query engine,
 * notifier and run control, a fixed clock and a recording signal, put together as the steps' Deps.
 */
import type { Deps } from '../../../lambdas/orchestrator/types.js';
import { tinyCatalog } from '../../fixtures/tiny.js';
import { type ParkAnswer, ScriptedControl } from './control.js';
import { RecordingEngine } from './engine.js';
import { RecordingNotifier } from './notifier.js';
import { MemoryStore } from './store.js';

export { type ParkAnswer, ScriptedControl } from './control.js';
export { DATA_ROOT, materialized, RecordingEngine } from './engine.js';
export { RecordingNotifier } from './notifier.js';
export { MemoryStore } from './store.js';

/** A clock that stands still until the test moves it. */
export class FixedClock {
  private t: number;
  constructor(at: string | Date) {
    this.t = new Date(at).getTime();
  }
  readonly now = (): Date => new Date(this.t);
  iso(): string {
    return new Date(this.t).toISOString();
  }
  set(at: string | Date): void {
    this.t = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Signalled {
  campaignId: string;
  variables: Record<string, unknown>;
  from: { campaignId: string; runId: string };
}

export interface Fakes {
  deps: Deps;
  store: MemoryStore;
  engine: RecordingEngine;
  notifier: RecordingNotifier;
  control: ScriptedControl;
  clock: FixedClock;
  /** The campaigns End activities started (only with `signal: true`). */
  signals: Signalled[];
}

export const CLOCK_START = '2026-11-22T12:00:05.000Z';

export function fakeDeps(options: { park?: ScriptedControl['answer']; signal?: boolean; now?: string } = {}): Fakes {
  const store = new MemoryStore();
  const engine = new RecordingEngine();
  const notifier = new RecordingNotifier();
  const control = new ScriptedControl(options.park ?? ('parked' satisfies ParkAnswer));
  const clock = new FixedClock(options.now ?? CLOCK_START);
  const signals: Signalled[] = [];
  const deps: Deps = {
    store,
    engine,
    catalog: tinyCatalog(),
    notifier,
    control,
    clock: clock.now,
    ...(options.signal
      ? {
          signal: async (campaignId, variables, from) => {
            signals.push({ campaignId, variables, from });
            return `SIGNALLED-${signals.length}`;
          },
        }
      : {}),
  };
  return { deps, store, engine, notifier, control, clock, signals };
}
