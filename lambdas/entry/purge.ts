/**
 * Lambda, run daily by an EventBridge rule: the cloud's purge, as `orca serve` runs it hourly. Old
 * runs' work tables go: their objects under work/<campaign>/<run>/ and the Glue tables over them;
 * each campaign's last run and the runs within the retention stay.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import middy from '@middy/core';
import { purgeOldRuns } from '../api/service.js';
import { dropTablesWhere } from '../adapters/glue-tables.js';
import type { QueryEngine } from '../ports/engine.js';
import type { StatusStore } from '../ports/store.js';
import { awsDeps, env, logger, middlewares } from './aws.js';

export interface CloudPurgeDeps {
  store: Pick<StatusStore, 'listCampaigns' | 'listRuns' | 'updateRun' | 'log' | 'getAudience'>;
  engine: Pick<QueryEngine, 'remove'>;
  glue: GlueClient;
  bucket: string;
  database: string;
  defaultRetentionDays: number;
  now?: () => Date;
}

/**
 * The purge with, for each purged run, the Glue tables over its folder (w_, t_) and the versions of
 * saved audiences it wrote that are no longer current (a_ tables over audiences/<name>/<run>-<activity>/,
 * and their objects) removed before its objects.
 */
export function cloudPurge(d: CloudPurgeDeps): Promise<{ purged: string[] }> {
  const root = `s3://${d.bucket}/`;
  return purgeOldRuns({
    store: d.store,
    engine: {
      remove: async (location) => {
        const run = `${root}${location.replace(/^\/+|\/+$/g, '')}/`;
        const runId = run.split('/').at(-2)!;
        const oldAudiences: string[] = [];
        const tables = await dropTablesWhere(d.glue, d.database, async (t) => {
          if (t.folder.startsWith(run)) return true;
          const audience = t.folder.slice(root.length).match(/^audiences\/([^/]+)\/([^/]+)\/$/);
          if (!audience?.[2]?.startsWith(`${runId}-`)) return false;
          const current = await d.store.getAudience(audience[1]!);
          const old = current?.population.location.replace(/\/+$/, '') !== `audiences/${audience[1]}/${audience[2]}`;
          if (old) oldAudiences.push(`audiences/${audience[1]}/${audience[2]}`);
          return old;
        });
        if (tables.length) logger.info('dropped Glue tables', { location, tables: tables.length });
        for (const a of oldAudiences) await d.engine.remove(a);
        await d.engine.remove(location);
      },
    },
    now: d.now ?? (() => new Date()),
    defaultRetentionDays: d.defaultRetentionDays,
  });
}

let deps: CloudPurgeDeps | undefined;

export const handler = middy(async () => {
  deps ??= (() => {
    const aws = awsDeps();
    return {
      store: aws.store,
      engine: aws.engine,
      glue: new GlueClient({}),
      bucket: env('ORCA_BUCKET'),
      database: env('ORCA_DATABASE'),
      defaultRetentionDays: Number(env('ORCA_RETENTION_DAYS')),
    };
  })();
  const r = await cloudPurge(deps);
  logger.info('purge done', { runs: r.purged.length });
  return r;
});
for (const m of middlewares) handler.use(m);
