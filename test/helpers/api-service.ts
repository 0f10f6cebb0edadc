/** The API's router and service in-process on fake ports (an in-memory store, a recording engine): no server, no DuckDB. */
import { CampaignService } from '../../lambdas/api/service.js';
import type { Platform } from '../../lambdas/api/platform.js';
import { type ApiResponse, handle } from '../../lambdas/api/router.js';
import { DuckDbDialect } from '../../lambdas/sql/dialect.js';
import { tinyCatalog } from '../fixtures/tiny.js';
import { DATA_ROOT, MemoryStore, RecordingEngine } from './fakes/index.js';
import { MemoryImportStore, nullImportPlatform } from './fakes/imports.js';
import { ImportService } from '../../lambdas/api/import-service.js';
import { LocalUploads } from '../../lambdas/adapters/local-uploads.js';
import { LocalDownloads } from '../../lambdas/adapters/local-downloads.js';
import { DynamoDbExportStore } from '../../lambdas/adapters/dynamodb-export-store.js';

/** A platform that deploys nothing and starts nothing (runs stay as the service recorded them). */
export class NullPlatform implements Platform {
  started: string[] = [];
  async publish() {
    return {};
  }
  async retire() {}
  async start(r: { runId: string }) {
    this.started.push(r.runId);
    return undefined;
  }
  async wake() {}
  /** `run/activity` of the channel activities waiting for a confirmation; a confirmation takes its entry. */
  readonly confirmable = new Set<string>();
  async confirm(runId: string, activityId: string) {
    return this.confirmable.delete(`${runId}/${activityId}`);
  }
  async stop() {}
}

export interface InProcessApi {
  service: CampaignService;
  store: MemoryStore;
  platform: NullPlatform;
  /** The import jobs' store (jobs get ids imp-1, imp-2...). */
  importStore: MemoryImportStore;
  /** Sends a request through the router; `errors` collects what the router reported as orca's own failures. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { query?: Record<string, string>; type?: string },
  ): Promise<ApiResponse>;
  errors: unknown[];
}

export function inProcessApi(): InProcessApi {
  const store = new MemoryStore();
  let n = 0;
  const platform = new NullPlatform();
  const importStore = new MemoryImportStore();
  let jobs = 0;
  const service = new CampaignService({
    imports: new ImportService({
      store: importStore,
      catalog: tinyCatalog(),
      platform: nullImportPlatform(importStore),
      // Tickets only: nothing is received in-process.
      uploads: new LocalUploads(DATA_ROOT, 1024 * 1024),
      exports: new DynamoDbExportStore(importStore),
      downloads: new LocalDownloads(DATA_ROOT),
      newJobId: () => `imp-${++jobs}`,
      newExportId: () => `exp-${++jobs}`,
      clock: () => new Date('2026-11-22T12:00:00Z'),
    }),
    store,
    engine: new RecordingEngine(),
    catalog: tinyCatalog(),
    platform,
    dialect: new DuckDbDialect(DATA_ROOT),
    newRunId: () => `run-${++n}`,
    clock: () => new Date('2026-11-22T12:00:00Z'),
  });
  const errors: unknown[] = [];
  return {
    service,
    store,
    platform,
    importStore,
    errors,
    call: (method, path, body, options = {}) =>
      handle(
        service,
        {
          method,
          path,
          query: options.query ?? {},
          headers: { 'content-type': options.type ?? 'application/json' },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          actor: 'test',
        },
        (e) => errors.push(e),
      ),
  };
}
