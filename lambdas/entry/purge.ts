/**
 * Lambda, run daily by an EventBridge rule: the cloud's purge, as `orca serve` runs it hourly. Old
 * runs' work tables go: their objects under work/<campaign>/<run>/ and the Glue tables over them;
 * each campaign's last run and the runs within the retention stay.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import middy from '@middy/core';
import { purgeOldRuns } from '../api/service.js';
import { dropTablesUnder } from '../adapters/glue-tables.js';
import type { QueryEngine } from '../ports/engine.js';
import type { StatusStore } from '../ports/store.js';
import { awsDeps, env, logger, middlewares } from './aws.js';

export interface CloudPurgeDeps {
  store: Pick<StatusStore, 'listCampaigns' | 'listRuns' | 'updateRun' | 'log'>;
  engine: Pick<QueryEngine, 'remove'>;
  glue: GlueClient;
  bucket: string;
  database: string;
  defaultRetentionDays: number;
  now?: () => Date;
}

/** The purge with the Glue tables of each purged run removed before its objects. */
export function cloudPurge(d: CloudPurgeDeps): Promise<{ purged: string[] }> {
  return purgeOldRuns({
    store: d.store,
    engine: {
      remove: async (location) => {
        const tables = await dropTablesUnder(d.glue, d.database, d.bucket, location);
        if (tables.length) logger.info('dropped Glue tables', { location, tables: tables.length });
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
