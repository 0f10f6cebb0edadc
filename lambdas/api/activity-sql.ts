/** The code view of an activity: the SQL its query runs, from the campaign's validation (the working copy). */
import type { ValidationResult } from '../../statemachines/validate.js';
import { invalid, notFound } from './errors.js';

export interface ActivitySql {
  activity: string;
  type: string;
  /** The query; null for an activity that runs none (a wait, a channel, an end...). */
  sql: string | null;
  /** Inbound work tables appear under this placeholder run id. */
  runIdPlaceholder: 'RUN';
}

export function activitySql(campaignId: string, v: ValidationResult, activity: string): ActivitySql {
  const node = v.analysis?.nodes.get(activity);
  if (!node) {
    const ids = v.analysis ? [...v.analysis.nodes.keys()].join(', ') : '';
    throw notFound(`campaign '${campaignId}' has no activity '${activity}'${ids ? `; activities: ${ids}` : ''}`);
  }
  const own = v.errors.filter((e) => e.activity === activity);
  if (own.length || !node.valid || !node.plan)
    throw invalid(`the SQL of activity '${activity}' cannot be shown while it has errors`, {
      errors: own.length ? own : v.errors,
      warnings: [],
    });
  const action = node.plan.action;
  return {
    activity,
    type: node.def.type,
    sql: action.type === 'query' ? action.sql : null,
    runIdPlaceholder: 'RUN',
  };
}
