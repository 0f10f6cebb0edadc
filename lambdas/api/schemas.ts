/**
 * Request and response shapes of the HTTP API. The router validates with them and the OpenAPI
 * document is generated from them.
 */
import { z } from 'zod';
import { CAMPAIGN_ID } from '../util/names.js';
import { ID_PATTERN } from '../activities/framework.js';
import { CAMPAIGN_STATUSES, RUN_STATUSES } from '../../statemachines/lifecycle.js';
import { ACTIVITY_STATUSES, LOG_LEVELS, TASK_STATUSES } from '../ports/store.js';

const id = z.string().regex(CAMPAIGN_ID);
export const runId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);
export const transitionId = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const issue = z.object({ activity: z.string().nullable(), path: z.string(), message: z.string() });

export const errorBody = z
  .object({
    error: z.string().describe('bad_request, not_found, conflict, invalid_campaign, payload_too_large, ...'),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });

export const campaignParams = z.object({ id });
export const runParams = z.object({ runId });
export const versionParams = z.object({ id, version: z.coerce.number().int().min(1).max(1_000_000) });
export const activityParams = z.object({ id, activity: z.string().regex(ID_PATTERN) });
export const transitionParams = z.object({ runId, transitionId });

export const listCampaignsQuery = z.object({
  status: z.enum([...CAMPAIGN_STATUSES, 'running']).optional(),
  q: z.string().max(200).optional().describe('text in the id or label'),
});

/** A campaign definition (see schemas/campaign.schema.json); drafts may have validation errors. */
export const definitionBody = z.looseObject({ id }).describe('a campaign definition');

export const duplicateBody = z.object({ id: id.optional().describe('id of the copy (default: <id>-copy)') }).strict();

export const startRunBody = z
  .object({
    variables: z.record(z.string(), scalar).optional(),
    testMode: z.boolean().optional().describe('run everything except Save audience and channels; allowed on drafts'),
  })
  .strict();

export const logsQuery = z.object({
  activity: z.string().max(64).optional(),
  level: z.enum(LOG_LEVELS).optional(),
  q: z.string().max(200).optional(),
  after: z.string().max(200).optional().describe('only entries after this id (to follow a log)'),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const rowsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});

export const recentRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  status: z.enum(RUN_STATUSES).optional().describe('only the runs in this state'),
});

export const tasksQuery = z.object({
  activity: z.string().max(64).optional().describe("only this activity's executions"),
  status: z.enum(TASK_STATUSES).optional().describe('only the executions in this state'),
});

export const runSummary = z.object({
  runId: z.string(),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
  version: z.number().optional(),
  testMode: z.boolean(),
});

export const campaignView = z
  .object({
    id: z.string(),
    label: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    version: z.number().describe('published versions (0: never published)'),
    changed: z.boolean().describe('the working copy has changes not yet published'),
    source: z
      .enum(['api', 'code'])
      .describe('code: deployed with cdk deploy (change its file; the API only starts and monitors it)'),
    trigger: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().optional(),
    runInProgress: z.boolean(),
    dimension: z.string().optional().describe('the default targeting dimension'),
    timezone: z.string().describe('the zone its schedule and relative dates use'),
    lastRun: runSummary
      .extend({
        counts: z
          .object({ activities: z.number(), done: z.number(), failed: z.number() })
          .describe("how the run's activities ended"),
      })
      .optional(),
    lastFailure: z
      .object({ runId: z.string(), at: z.string(), activity: z.string().optional() })
      .optional()
      .describe('the most recent failed run (among the last 100) and the activity that failed'),
    nextRun: z.string().optional().describe('next scheduled launch (ISO 8601)'),
  })
  .meta({ id: 'Campaign' });

export const campaignDetail = campaignView.extend({
  definition: z.unknown(),
  validation: z.object({ valid: z.boolean(), errors: z.array(issue), warnings: z.array(issue) }),
});

export const previewView = z.object({
  expression: z.string().nullable(),
  lastDayExpression: z
    .string()
    .optional()
    .describe(
      "a monthly trigger listing 'last' with other days: the second schedule's expression (cron cannot list L with other days)",
    ),
  timezone: z.string(),
  launches: z.array(z.string()),
  warning: z.string().optional(),
});

export const runDetail = runSummary
  .extend({
    campaignId: z.string(),
    variables: z.record(z.string(), z.unknown()).describe('the values the run started with'),
    pausedReason: z.string().optional(),
    activities: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        status: z
          .enum(ACTIVITY_STATUSES)
          .describe(
            'skipped: its branch was not taken, or it is disabled; notRun: its run ended (stopped, failed, interrupted) before it started',
          ),
        startedAt: z.string().optional(),
        endedAt: z.string().optional(),
        error: z.string().optional(),
        rows: z.number().optional(),
        tasks: z.number().optional(),
      }),
    ),
    transitions: z.array(
      z.object({
        id: z.string(),
        from: z.string(),
        output: z.string(),
        to: z.string(),
        rows: z.number(),
        active: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Run' });
