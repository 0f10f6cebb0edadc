/**
 * Run control in the embedded runtime: a paused gate waits on a promise that resume resolves, and
 * a gate's task completes when its handler calls back (the local stand-in for task tokens).
 */
import { randomUUID } from 'node:crypto';
import type { Parking, RunControl, TaskCallbacks } from '../lambdas/ports/control.js';

export class LocalControl implements RunControl, TaskCallbacks {
  private readonly parked = new Map<string, Array<() => void>>();
  private readonly tasks = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  park(p: Parking): Promise<'resumed' | 'parked'> {
    return new Promise((resolve) => {
      const list = this.parked.get(p.runId) ?? [];
      list.push(() => resolve('resumed'));
      this.parked.set(p.runId, list);
    });
  }

  /** Wakes every parked gate of a run; each checks the run status again. */
  wake(runId: string): number {
    const list = this.parked.get(runId) ?? [];
    this.parked.delete(runId);
    for (const resume of list) resume();
    return list.length;
  }

  /** A fresh token and the promise its task completes with. */
  newTask(): { token: string; done: Promise<unknown> } {
    const token = randomUUID();
    const done = new Promise<unknown>((resolve, reject) => this.tasks.set(token, { resolve, reject }));
    return { token, done };
  }

  async succeed(token: string, output: unknown): Promise<void> {
    this.tasks.get(token)?.resolve(output);
    this.tasks.delete(token);
  }

  async fail(token: string, error: string, cause: string): Promise<void> {
    const e = new Error(cause);
    e.name = error;
    this.tasks.get(token)?.reject(e);
    this.tasks.delete(token);
  }
}
