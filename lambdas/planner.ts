/**
 * Plans one activity: builds the query environment (catalog, dialect, run clock, variables) and
 * calls the activity's module. The same function serves validation (placeholder inputs), the code
 * view and the runtime (real inputs), so what is validated is what runs.
 */
import type { Catalog } from './catalog/catalog.js';
import { type ActivityDef, moduleOf } from './activities/index.js';
import type { ActivityState, Input, Plan, RunInfo } from './activities/framework.js';
import type { Dialect } from './sql/dialect.js';
import type { ColumnType } from './sql/types.js';
import { AliasGen, type QueryEnv, type VariableInfo } from './query/scope.js';
import type { Reporter } from './util/issues.js';
import { workLocation } from './layout.js';

export interface CampaignContext {
  id: string;
  dimension: string;
  timezone: string;
  variables: Record<string, { type: ColumnType; default?: unknown }>;
}

export interface PlanArgs {
  catalog: Catalog;
  dialect: Dialect;
  campaign: CampaignContext;
  activity: ActivityDef;
  inputs: Input[];
  /** The run's start time (relative dates are computed from it). */
  now: Date;
  report: Reporter;
  run?: RunInfo | undefined;
  state?: ActivityState | undefined;
  /** Variable values of the run; defaults apply to the others. */
  values?: Record<string, unknown> | undefined;
}

export function variableInfo(campaign: CampaignContext, values?: Record<string, unknown>): Map<string, VariableInfo> {
  return new Map(
    Object.entries(campaign.variables).map(([name, v]) => {
      const value = values && name in values ? values[name] : v.default;
      return [name, value === undefined ? { type: v.type } : { type: v.type, value }];
    }),
  );
}

export function planActivity(args: PlanArgs): Plan {
  const env: QueryEnv = {
    catalog: args.catalog,
    dialect: args.dialect,
    now: args.now,
    timezone: args.campaign.timezone,
    variables: variableInfo(args.campaign, args.values),
    seed: args.run?.id ?? 'RUN',
  };
  return moduleOf(args.activity).plan(args.activity, {
    env,
    catalog: args.catalog,
    campaign: { id: args.campaign.id, dimension: args.campaign.dimension },
    inputs: args.inputs,
    report: args.report,
    run: args.run,
    state: args.state,
    aliases: new AliasGen(),
    outputLocation: workLocation(args.campaign.id, args.run?.id ?? 'RUN', args.activity.id),
  });
}
