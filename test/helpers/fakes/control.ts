/**
 * A RunControl whose `park` answers what the test says: 'parked' (the caller must return and be
 * called back, as in the cloud) or 'resumed' (the caller goes on now, as locally after a resume).
 * A function answer can change the store first (resume the run) before the gate looks again.
 */
import type { Parking, RunControl } from '../../../lambdas/ports/control.js';

export type ParkAnswer = 'parked' | 'resumed';

export class ScriptedControl implements RunControl {
  readonly parkings: Parking[] = [];
  constructor(public answer: ParkAnswer | ((p: Parking, n: number) => ParkAnswer | Promise<ParkAnswer>) = 'parked') {}

  async park(p: Parking): Promise<ParkAnswer> {
    this.parkings.push(structuredClone(p));
    return typeof this.answer === 'function' ? this.answer(p, this.parkings.length) : this.answer;
  }
}
