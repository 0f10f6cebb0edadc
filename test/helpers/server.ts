/** An orca server on the tiny dataset, and a small client for tests. */
import { tinyCatalog, writeTinyData } from '../fixtures/tiny.js';
import { openTestDb, type TestDb } from './duckdb.js';
import { OrcaServer } from '../../runtime/server.js';

/** A response body: the API's JSON, whose shape the tests' assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: tests read the JSON of many endpoints freely; a wrong read fails the assertion
type ResponseBody = any;

export interface TestServer {
  server: OrcaServer;
  db: TestDb;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: ResponseBody; headers: Headers }>;
  /** Polls until the predicate holds on GET path (or times out). */
  until(path: string, predicate: (body: ResponseBody) => boolean, timeoutMs?: number): Promise<ResponseBody>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { waitMs?: number; consoleDir?: string; uploadLimit?: number } = {},
): Promise<TestServer> {
  const db = await openTestDb('orca-api-');
  await writeTinyData(db);
  const server = await OrcaServer.start({ dataRoot: db.dir, catalog: tinyCatalog(), port: 0, ...options });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
  };
  return {
    server,
    db,
    call,
    async until(path, predicate, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      // Each poll is a request to the server and several to its store (a run's detail: the run, its
      // activities and transitions): soon at first, then less often while a wait goes on.
      for (let pause = 25; ; pause = Math.min(pause * 1.5, 200)) {
        const r = await call('GET', path);
        if (predicate(r.body)) return r.body;
        if (Date.now() > end) throw new Error(`timed out waiting on ${path}: ${JSON.stringify(r.body).slice(0, 500)}`);
        await new Promise((res) => setTimeout(res, pause));
      }
    },
    async close() {
      await server.close();
      db.close();
    },
  };
}

/** A small campaign on the tiny dataset: FR/GB people (1, 3, 5), a wait, a deduplication, an enrichment. */
export function waitingCampaign(id: string, waitSeconds: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    label: `Campaign ${id}`,
    dimension: 'recipients',
    timezone: 'UTC',
    activities: [
      { id: 'people', type: 'buildAudience', query: { attribute: 'country', operator: 'in', value: ['FR', 'GB'] } },
      { id: 'pause_here', type: 'wait', duration: { value: waitSeconds, unit: 'seconds' } },
      { id: 'dedup', type: 'deduplication', fields: ['vip'] },
      { id: 'enrich', type: 'enrichment', attributes: ['email'] },
      { id: 'done', type: 'end' },
    ],
    transitions: [
      { from: 'people', to: 'pause_here' },
      { from: 'pause_here', to: 'dedup' },
      { from: 'dedup', to: 'enrich' },
      { from: 'enrich', to: 'done' },
    ],
    ...extra,
  };
}
