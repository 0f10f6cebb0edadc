/**
 * A floor measured inside an end-to-end test (the console's: a canvas drawn, a list shown) on a
 * machine that may be running other work. On a quiet machine (a load average at most its cores)
 * the floor is asserted as the issue states it; under load the bound grows with the load, so that
 * the figure is still printed and a regression of several times still fails, without failing a
 * run because another process held the cores.
 */
import { availableParallelism, loadavg } from 'node:os';

export function floorBound(floorMs: number): { bound: number; load: number } {
  const load = loadavg()[0]!;
  return { bound: Math.round(floorMs * Math.max(1, load / availableParallelism())), load };
}
