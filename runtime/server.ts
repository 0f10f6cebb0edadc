/**
 * `orca serve`: the HTTP API on the embedded runtime. The same router and service as the cloud's
 * API Lambda; runs execute in this process; scheduled campaigns start on time; old work tables are
 * purged every hour (a campaign's last run is kept).
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../lambdas/catalog/catalog.js';
import { CampaignService } from '../lambdas/api/service.js';
import { errorResponse, handle, MAX_BODY_BYTES } from '../lambdas/api/router.js';
import { ApiError } from '../lambdas/api/errors.js';
import { isLoopbackHost } from '../lambdas/util/net.js';
import { LocalRuntime } from './local-runtime.js';
import { newRunId } from '../lambdas/orchestrator/run-id.js';
import { LocalPlatform } from './local-platform.js';
import { isInProgress } from '../statemachines/lifecycle.js';
import { handlePublic, isPublicPath } from '../lambdas/api/public-routes.js';
import type { PublicDeps } from '../lambdas/orchestrator/unsubscribe.js';
import type { ReportStore } from '../lambdas/ports/ledger.js';
import { ClientThrottle } from './client-throttle.js';
import { consoleFile, findConsole, ownOrigins } from './console-files.js';
import { LocalImports, newJobId } from './local-imports.js';
import { ImportService } from '../lambdas/api/import-service.js';
import { LOCAL_UPLOAD_PATH, LocalUploads, UploadRefused } from '../lambdas/adapters/local-uploads.js';
import { DEFAULT_UPLOAD_LIMIT } from '../lambdas/ports/uploads.js';
import { LOCAL_DOWNLOAD_PATH, LocalDownloads } from '../lambdas/adapters/local-downloads.js';
import { newExportId } from '../lambdas/orchestrator/run-id.js';
import { LocalExports } from './local-exports.js';

export interface ServeOptions {
  dataRoot: string;
  catalog: Catalog;
  port?: number;
  host?: string;
  /** Shorten waits (tests). */
  waitMs?: number;
  /**
   * Keep the process alive on an error no request handler caught (an unhandled rejection or
   * exception is logged instead of ending the process, and the runs in progress with it). On by default.
   */
  guardProcess?: boolean;
  log?: (line: string) => void;
  /** Email over this SMTP server instead of the outbox (ORCA_SMTP_URL, `--smtp URL`). */
  smtpUrl?: string;
  /** The base URL of the links runs sign (default http://127.0.0.1:7777, where `orca serve` listens by default). */
  publicUrl?: string;
  /** The built web console served at `/` (default: dist/console when built). */
  consoleDir?: string;
  /** The largest file `PUT /uploads/...` takes, in bytes (default 1 GB). */
  uploadLimit?: number;
}

/** What the server answers besides the API: the console's files, and the origin its pages send. */
interface Site {
  consoleDir: string | undefined;
  port(): number;
  uploads: LocalUploads;
  downloads: LocalDownloads;
}

export class OrcaServer {
  private purgeTimer?: NodeJS.Timeout;
  private unguard?: () => void;

  private constructor(
    readonly runtime: LocalRuntime,
    readonly platform: LocalPlatform,
    readonly service: CampaignService,
    readonly http: Server,
    readonly imports: LocalImports,
    readonly exports: LocalExports,
  ) {}

  get url(): string {
    const a = this.http.address() as AddressInfo;
    return `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
  }

  static async start(o: ServeOptions): Promise<OrcaServer> {
    const log = o.log ?? (() => {});
    const runtime = await LocalRuntime.open({
      dataRoot: o.dataRoot,
      catalog: o.catalog,
      ...(o.waitMs !== undefined ? { waitMs: o.waitMs } : {}),
      ...(o.smtpUrl ? { smtpUrl: o.smtpUrl } : {}),
      ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
    });
    const platform = new LocalPlatform(runtime);
    platform.onError = (m) => log(m);
    const reports = runtime.channels.reports;
    // Jobs left in progress by a process that ended are marked interrupted.
    const imports = await LocalImports.open(runtime);
    imports.onError = log;
    const exports = await LocalExports.open(runtime, imports);
    exports.onError = log;
    const uploads = new LocalUploads(o.dataRoot, o.uploadLimit ?? DEFAULT_UPLOAD_LIMIT);
    const downloads = new LocalDownloads(o.dataRoot);
    const service = new CampaignService({
      imports: new ImportService({
        store: imports.store,
        catalog: o.catalog,
        platform: {
          ...imports.platform,
          startExport: (id, actor) => exports.start(id, actor),
          cancelled: async (job) => {
            await imports.cancelled(job);
            exports.engine.cancelMatching(job.work);
          },
        },
        uploads,
        exports: exports.store,
        downloads,
        newJobId,
        newExportId,
      }),
      reports,
      channels: runtime.channels,
      store: runtime.store,
      engine: runtime.engine,
      catalog: o.catalog,
      platform,
      dialect: runtime.engine.dialect,
      newRunId,
    });
    platform.service = service;
    runtime.signal = async (campaignId, variables, from) =>
      (await service.startRun(campaignId, { variables, trigger: `signal from ${from.campaignId} (run ${from.runId})` }))
        .runId;

    // Runs that were in progress when the service last stopped cannot go on.
    for (const r of await runtime.store.recentRuns(1000)) {
      if (isInProgress(r.status)) {
        await runtime.store.updateRun(r.runId, {
          status: 'failed',
          endedAt: new Date().toISOString(),
          error: 'interrupted: the orca service stopped while the run was in progress',
        });
        await runtime.store.log(r.runId, {
          at: new Date().toISOString(),
          level: 'error',
          message: 'interrupted: the orca service stopped while the run was in progress; restart the run',
        });
      }
    }
    await platform.refreshAll();

    const loopback = isLoopbackHost(o.host ?? '127.0.0.1');
    const pub = publicRoutes(runtime, reports, log);
    const site: Site = {
      consoleDir: o.consoleDir ?? findConsole(),
      port: () => (http.address() as AddressInfo).port,
      uploads,
      downloads,
    };
    const http = createServer((req, res) => {
      // The last resort: whatever a request does, the service answers and goes on.
      void serve(service, req, res, log, loopback, pub, site).catch((e) => lastResort(req, res, log, e));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.port ?? 7777, o.host ?? '127.0.0.1', () => resolve());
    }).catch(async (e: unknown) => {
      // The port is taken (or refused): close what was opened, or the process would never end.
      platform.close();
      await runtime.close();
      throw e;
    });
    const server = new OrcaServer(runtime, platform, service, http, imports, exports);
    if (o.guardProcess !== false) server.guard(log);
    const purge = () =>
      void service
        .purge()
        .then((r) => r.purged.length && log(`purged the work tables of ${r.purged.length} old run(s)`))
        .catch((e) => log(`purge failed: ${(e as Error).message}`));
    server.purgeTimer = setInterval(purge, 3_600_000);
    server.purgeTimer.unref();
    purge();
    return server;
  }

  /**
   * Process-level guards: an error that escaped every handler is logged, and the service (with
   * the runs in progress) goes on. Removed on close.
   */
  private guard(log: (line: string) => void): void {
    const onRejection = (e: unknown) =>
      log(`unhandled rejection (the service goes on): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const onException = (e: Error) => log(`uncaught exception (the service goes on): ${e.stack ?? e.message}`);
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    this.unguard = () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    };
  }

  /** Stops accepting requests, lets running runs be stopped, closes the store and the engine. */
  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
    this.unguard?.();
    this.platform.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const runId of this.platform.running.keys())
      await this.service.stop(runId, 'the service shutting down').catch(() => {});
    await Promise.allSettled([...this.platform.running.values()]);
    await Promise.all([this.imports.stopAll(), this.exports.stopAll()]);
    await this.runtime.close();
  }
}

/**
 * The public routes (unsubscribe, open pixel, click redirect): the run store's report counters, the
 * data folder for opt-outs, the local link secret; each client (IP) throttled to PUBLIC_RATE.
 */
interface PublicRoutes {
  deps: PublicDeps;
  throttle: ClientThrottle;
}

/** Per client: a burst of 100 (a mail client opening a digest's images at once), then 20 a second. */
export const PUBLIC_RATE = { perSecond: 20, burst: 100 };

function publicRoutes(runtime: LocalRuntime, reports: ReportStore, log: (line: string) => void): PublicRoutes {
  return {
    deps: {
      reports,
      objects: runtime.channels.objects,
      // The secret the local sender signs with (<data>/link-secret).
      linkSecret: async () => runtime.channels.links.secret,
      log: (message, fields) => log(`${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
    },
    throttle: new ClientThrottle(PUBLIC_RATE),
  };
}

/** The request's target as a URL, or undefined when it is not a path (`//`, `http://[`...). */
function targetOf(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** Answers 500 with a generic message when serving a request failed outside the router's own catch. */
function lastResort(req: IncomingMessage, res: ServerResponse, log: (l: string) => void, e: unknown): void {
  log(`${req.method} ${req.url} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A client gone mid-request gets nothing; any other failure is orca's.
  const aborted = req.destroyed || req.readableAborted;
  const r = aborted
    ? errorResponse(new ApiError(400, 'bad_request', 'the request was aborted'))
    : errorResponse(
        new ApiError(500, 'internal_error', 'orca failed to handle the request; the service log has the details'),
      );
  try {
    res.writeHead(r.status, { ...r.headers, connection: 'close' }).end(r.body);
  } catch {
    res.destroy();
  }
}

/**
 * The local API has no authentication, so on loopback it only answers local clients: no browser
 * page of another site (an Origin header other than the server's own, whose console sends it), no
 * other host name (DNS rebinding).
 */
function foreign(req: IncomingMessage, loopback: boolean, port: number): string | undefined {
  if (!loopback) return undefined;
  if (req.headers.origin && !ownOrigins(port).includes(req.headers.origin))
    return 'cross-origin requests are refused: the local API has no authentication';
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (!isLoopbackHost(host)) return `requests for host '${host}' are refused: use http://127.0.0.1`;
  return undefined;
}

/** Streams an upload's body to its file (lambdas/adapters/local-uploads.ts); the answer to send. */
async function receiveUpload(uploads: LocalUploads, req: IncomingMessage, id: string, encodedName: string) {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return errorResponse(new ApiError(400, 'bad_request', 'the file name has a malformed escape'));
  }
  const header = req.headers['content-length'];
  const length = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  try {
    const done = await uploads.receive(id, name, req, length);
    return {
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(done),
    };
  } catch (e) {
    if (!(e instanceof UploadRefused)) throw e;
    const error = { 400: 'bad_request', 404: 'not_found', 409: 'conflict', 413: 'payload_too_large' }[e.status];
    // The rest of the body is not read: the connection is closed after the answer.
    return errorResponse(new ApiError(e.status, error, e.message), { connection: 'close' });
  }
}

/** Streams a download ticket's file (lambdas/adapters/local-downloads.ts), or answers why not. */
async function sendDownload(
  site: Site,
  loopback: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  name: string,
) {
  const refusal = foreign(req, loopback, site.port());
  const file = refusal ? undefined : await site.downloads.open(id, name);
  if (!file) {
    const r = refusal
      ? errorResponse(new ApiError(403, 'forbidden', refusal))
      : errorResponse(
          new ApiError(
            404,
            'not_found',
            'no download ticket for this file (or it expired): ask GET /jobs/{id}/download',
          ),
        );
    res.writeHead(r.status, r.headers).end(r.body);
    return;
  }
  res.writeHead(200, file.headers);
  await pipeline(createReadStream(file.path), res).catch(() => res.destroy());
}

async function serve(
  service: CampaignService,
  req: IncomingMessage,
  res: ServerResponse,
  log: (l: string) => void,
  loopback: boolean,
  pub: PublicRoutes,
  site: Site,
): Promise<void> {
  const started = Date.now();
  const download = req.method === 'GET' ? LOCAL_DOWNLOAD_PATH.exec(targetOf(req.url)?.pathname ?? '') : null;
  if (download) {
    await sendDownload(site, loopback, req, res, download[1]!, download[2]!);
    log(`GET /downloads/… ${res.statusCode} ${Date.now() - started} ms`);
    return;
  }
  const upload = req.method === 'PUT' ? LOCAL_UPLOAD_PATH.exec(targetOf(req.url)?.pathname ?? '') : null;
  if (upload) {
    const refusal = foreign(req, loopback, site.port());
    const r = refusal
      ? errorResponse(new ApiError(403, 'forbidden', refusal), { connection: 'close' })
      : await receiveUpload(site.uploads, req, upload[1]!, upload[2]!);
    res.writeHead(r.status, r.headers).end(r.body, () => {
      if (r.status >= 400 && !req.readableEnded) req.destroy();
    });
    log(`PUT /uploads/… ${r.status} ${Date.now() - started} ms`);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
      break;
    }
    chunks.push(chunk as Buffer);
  }
  const url = targetOf(req.url);
  // The public routes are opened by mail clients and browsers, from anywhere: no Origin or Host check.
  const isPublic = !tooLarge && url !== undefined && isPublicPath(url.pathname);
  const refusal = isPublic ? undefined : foreign(req, loopback, site.port());
  const page =
    !isPublic && !refusal && url ? consoleFile(site.consoleDir, req.method ?? 'GET', url.pathname) : undefined;
  if (page) {
    res.writeHead(page.status, page.headers).end(req.method === 'HEAD' ? undefined : page.body);
    return;
  }
  const wait = isPublic ? pub.throttle.take(req.socket.remoteAddress ?? '') : 0;
  const request = {
    method: req.method ?? 'GET',
    path: url?.pathname ?? '/',
    query: Object.fromEntries(url?.searchParams ?? []),
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
    body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined,
    actor: 'local',
  };
  const response = wait
    ? errorResponse(new ApiError(429, 'too_many_requests', 'too many requests; try again shortly'), {
        'retry-after': String(wait),
      })
    : isPublic
      ? (await handlePublic(request, pub.deps))!
      : refusal
        ? errorResponse(new ApiError(403, 'forbidden', refusal))
        : !url
          ? errorResponse(new ApiError(400, 'bad_request', 'the request target is not a valid path'))
          : tooLarge
            ? // The rest of the body is not read: close the connection rather than let the client reuse it.
              errorResponse(new ApiError(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`), {
                connection: 'close',
              })
            : await handle(service, request, (e) =>
                log(`${req.method} ${url.pathname} failed: ${(e as Error).stack ?? String(e)}`),
              );
  res.writeHead(response.status, response.headers);
  res.end(response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body, () => {
    if (tooLarge) req.destroy();
  });
  // A public route's token carries an address: the log shows the route only.
  const shown = isPublic ? `${url.pathname.slice(0, 3)}…` : (url?.pathname ?? req.url);
  log(`${req.method} ${shown} ${response.status} ${Date.now() - started} ms`);
}
