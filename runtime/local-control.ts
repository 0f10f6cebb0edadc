/**
 * Run control in the embedded runtime: a paused gate waits on a promise that resume resolves, and
 * a gate's task completes when its handler calls back (the local stand-in for task tokens).
 */
import { randomUUID } from 'node:crypto';
import type { Parking, RunControl, TaskCallbacks } from '../lambdas/ports/control.js';

export class LocalControl implements RunControl, TaskCallbacks {
  private readonly parked = new Map<string, Array<() => void>>();
  /** Channel activities waiting for a confirmation, by run and activity: woken by `confirm` only (or a stop). */
  private readonly confirms = new Map<string, Map<string, () => void>>();
  private readonly tasks = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  park(p: Parking): Promise<'resumed' | 'parked'> {
    if (p.kind === 'confirm')
      return new Promise((resolve) => {
        const run = this.confirms.get(p.runId) ?? new Map<string, () => void>();
        run.set(p.activityId, () => resolve('resumed'));
        this.confirms.set(p.runId, run);
      });
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

  /** Confirms the activity waiting for a confirmation; false when it is not waiting for one. */
  confirm(runId: string, activityId: string): boolean {
    const go = this.confirms.get(runId)?.get(activityId);
    if (!go) return false;
    this.confirms.get(runId)!.delete(activityId);
    go();
    return true;
  }

  /** Wakes everything parked of a run, confirmations included (a stop: each sees the run stopped). */
  wakeAll(runId: string): void {
    const waiting = [...(this.confirms.get(runId)?.values() ?? [])];
    this.confirms.delete(runId);
    for (const go of waiting) go();
    this.wake(runId);
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
