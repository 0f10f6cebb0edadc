/**
 * The run's campaign plan: each activity's settings, which the state machine does not repeat in
 * its states (a 500-activity machine would pass Step Functions' 1 MB limit). The `Start run` state
 * hands the plan to the start step, which records it with the run; gates read it here, once per
 * run and store (the plan of a run never changes: a restart is a new run).
 */
import { type CampaignPlan, decodePlan, type PlanEntry } from '../../statemachines/asl.js';
import type { StatusStore } from '../ports/store.js';
import { ActivityError } from './errors.js';

const KEPT = 16;
const plans = new WeakMap<object, Map<string, CampaignPlan>>();

export async function planOf(store: Pick<StatusStore, 'getPlan'>, runId: string): Promise<CampaignPlan | undefined> {
  let known = plans.get(store);
  if (!known) {
    known = new Map();
    plans.set(store, known);
  }
  const cached = known.get(runId);
  if (cached) return cached;
  const text = await store.getPlan(runId);
  if (text === undefined) return undefined;
  const plan = decodePlan(text);
  if (known.size >= KEPT) known.delete(known.keys().next().value!);
  known.set(runId, plan);
  return plan;
}

/** One activity's settings in the run's plan; an ActivityError when the run has none for it. */
export async function planEntry(
  store: Pick<StatusStore, 'getPlan'>,
  runId: string,
  activityId: string,
): Promise<PlanEntry> {
  const entry = (await planOf(store, runId))?.[activityId];
  if (!entry)
    throw new ActivityError(
      `activity '${activityId}': its settings are not recorded with run ${runId} (the run did not start through its state machine's Start run state)`,
    );
  return entry;
}
