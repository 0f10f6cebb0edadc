/**
 * The HTTP API, independent of any server: a request in, a response out. API Gateway (cloud) and
 * node:http (`orca serve`) adapt to it. Parameters, queries and bodies are validated with the zod
 * schemas of ./schemas.ts; errors are JSON { error, message, details } with the right status.
 */
import { z } from 'zod';
import { parseYamlText } from '../util/yaml.js';
import { ApiError, badRequest } from './errors.js';
import type { CampaignService } from './service.js';
import * as S from './schemas.js';
import { type DocumentedRoute, openApiDocument } from './openapi.js';
import { REPORT_ROUTES } from './report-routes.js';
import { SEND_ROUTES } from './send-routes.js';
import { JOB_ROUTES } from './import-routes.js';
import { RawBody } from './raw-body.js';
import { nestingExceeds, nestingMessage, TooDeepError, unsafeNumberMessage, unsafeNumberPath } from '../util/depth.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body?: string | undefined;
  /** Who sends it (IAM principal in the cloud, "local" otherwise), written to the run log. */
  actor?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body is base64 of bytes (the open pixel). */
  isBase64Encoded?: boolean;
}

export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The largest campaign definition (a body of POST and PUT /campaigns): the run store keeps a
 * definition in one item, and DynamoDB's items are at most 400 KB (the service's quotas), names
 * and encoding included.
 */
export const MAX_DEFINITION_BYTES = 300 * 1024;

interface Context {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  actor: string;
}

export interface Route extends DocumentedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The largest body (bytes) when less than MAX_BODY_BYTES. */
  maxBytes?: number;
  errors?: Array<409 | 422>;
  handle(service: CampaignService, c: Context): Promise<unknown>;
}

const p = <T>(c: Context) => c.params as T;

export const ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/campaigns',
    errors: [409],
    summary: 'Create a campaign (a draft; it may still have validation errors)',
    status: 201,
    body: S.definitionBody,
    maxBytes: MAX_DEFINITION_BYTES,
    response: S.campaignDetail,
    handle: (s, c) => s.create(c.body as { id: string }),
  },
  {
    method: 'GET',
    path: '/campaigns',
    summary: 'List campaigns, with their last and next run',
    status: 200,
    query: S.listCampaignsQuery,
    response: z.array(S.campaignView),
    handle: (s, c) => s.list(c.query as { status?: string; q?: string }),
  },
  {
    method: 'GET',
    path: '/campaigns/{id}',
    summary: 'A campaign: its working copy, status and validation',
    status: 200,
    params: S.campaignParams,
    response: S.campaignDetail,
    handle: (s, c) => s.get(p<{ id: string }>(c).id),
  },
  {
    method: 'PUT',
    path: '/campaigns/{id}',
    errors: [409],
    summary: 'Change the working copy (a published campaign keeps running its version until published again)',
    status: 200,
    params: S.campaignParams,
    body: S.definitionBody,
    maxBytes: MAX_DEFINITION_BYTES,
    response: S.campaignDetail,
    handle: (s, c) => s.update(p<{ id: string }>(c).id, c.body as { id: string }),
  },
  {
    method: 'DELETE',
    path: '/campaigns/{id}',
    errors: [409],
    summary: 'Delete a campaign (refused while a run is in progress)',
    status: 204,
    params: S.campaignParams,
    handle: (s, c) => s.remove(p<{ id: string }>(c).id),
  },
  {
    method: 'POST',
    path: '/campaigns/{id}/duplicate',
    errors: [409],
    summary: 'Copy a campaign as a new draft',
    status: 201,
    params: S.campaignParams,
    body: S.duplicateBody,
    optionalBody: true,
    response: S.campaignDetail,
    handle: (s, c) => s.duplicate(p<{ id: string }>(c).id, (c.body as { id?: string } | undefined)?.id),
  },
  {
    method: 'POST',
    path: '/campaigns/{id}/publish',
    errors: [409, 422],
    summary: 'Publish the working copy as a new version (422 with the validation errors)',
    status: 200,
    params: S.campaignParams,
    response: S.campaignView,
    handle: (s, c) => s.publish(p<{ id: string }>(c).id),
  },
  {
    method: 'POST',
    path: '/campaigns/{id}/archive',
    errors: [409],
    summary: 'Retire a campaign: no more scheduled runs',
    status: 200,
    params: S.campaignParams,
    response: S.campaignView,
    handle: (s, c) => s.archive(p<{ id: string }>(c).id),
  },
  {
    method: 'GET',
    path: '/campaigns/{id}/versions',
    summary: 'The published versions of a campaign, newest first',
    status: 200,
    params: S.campaignParams,
    response: z.array(
      z.object({ version: z.number(), publishedAt: z.string(), label: z.string(), current: z.boolean() }),
    ),
    handle: (s, c) => s.versions(p<{ id: string }>(c).id),
  },
  {
    method: 'GET',
    path: '/campaigns/{id}/versions/{version}',
    summary: 'One published version of a campaign, with its definition (what a run of that version ran)',
    status: 200,
    params: S.versionParams,
    response: z.object({ version: z.number(), publishedAt: z.string(), definition: z.unknown() }),
    handle: (s, c) => {
      const { id, version } = p<{ id: string; version: number }>(c);
      return s.version(id, version);
    },
  },
  {
    method: 'GET',
    path: '/campaigns/{id}/schedule/preview',
    errors: [422],
    summary: "The next 10 launches of the campaign's schedule",
    status: 200,
    params: S.campaignParams,
    response: S.previewView,
    handle: (s, c) => s.preview(p<{ id: string }>(c).id),
  },
  {
    method: 'POST',
    path: '/campaigns/{id}/count',
    errors: [422],
    summary:
      "The row count of an activity's output (working copy), running only what is upstream of it in scratch tables; nothing is saved",
    status: 200,
    params: S.campaignParams,
    body: z
      .object({
        activity: z.string().min(1).max(200),
        output: z.string().min(1).max(200).optional(),
        variables: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    response: z.object({
      activity: z.string(),
      output: z.string(),
      rows: z.number(),
      upstream: z.array(z.object({ activity: z.string(), outputs: z.record(z.string(), z.number()) })),
      notRun: z.array(z.object({ activity: z.string(), reason: z.string() })),
    }),
    handle: (s, c) =>
      s.count(
        p<{ id: string }>(c).id,
        c.body as { activity: string; output?: string; variables?: Record<string, unknown> },
      ),
  },
  {
    method: 'GET',
    path: '/campaigns/{id}/activities/{activity}/sql',
    errors: [422],
    summary:
      "The SQL of an activity's query in the working copy (the code view); inbound work tables under the run id RUN",
    status: 200,
    params: S.activityParams,
    response: z.object({
      activity: z.string(),
      type: z.string(),
      sql: z.string().nullable().describe('null: the activity runs no query'),
      runIdPlaceholder: z.literal('RUN'),
    }),
    handle: (s, c) => s.sql(p<{ id: string; activity: string }>(c).id, p<{ id: string; activity: string }>(c).activity),
  },
  {
    method: 'POST',
    path: '/campaigns/{id}/runs',
    errors: [409, 422],
    summary: 'Start a run (a signal: its variables are the parameters)',
    status: 202,
    params: S.campaignParams,
    body: S.startRunBody,
    optionalBody: true,
    handle: (s, c) =>
      s.startRun(
        p<{ id: string }>(c).id,
        (c.body ?? {}) as { variables?: Record<string, unknown>; testMode?: boolean },
      ),
  },
  {
    method: 'GET',
    path: '/campaigns/{id}/runs',
    summary: "A campaign's runs, newest first",
    status: 200,
    params: S.campaignParams,
    response: z.array(S.runSummary),
    handle: (s, c) => s.listRuns(p<{ id: string }>(c).id),
  },
  {
    method: 'GET',
    path: '/runs',
    summary: 'The most recent runs of all campaigns, newest first',
    status: 200,
    query: S.recentRunsQuery,
    response: z.array(S.runSummary.extend({ campaignId: z.string() })),
    handle: async (s, c) => {
      const { limit, status } = c.query as { limit: number; status?: string };
      if (!status) return s.recentRuns(limit);
      // Filtered among the most recent 1,000 runs.
      return (await s.recentRuns(1000)).filter((r) => r.status === status).slice(0, limit);
    },
  },
  {
    method: 'GET',
    path: '/runs/{runId}',
    summary: "A run: its status, each activity's status, times and error, each transition's row count",
    status: 200,
    params: S.runParams,
    response: S.runDetail,
    handle: (s, c) => s.getRun(p<{ runId: string }>(c).runId),
  },
  ...(['pause', 'resume', 'stop', 'restart'] as const).map(
    (command): Route => ({
      method: 'POST',
      path: `/runs/{runId}/${command}`,
      summary: {
        pause: 'Pause: no new activity starts; running ones finish',
        resume: 'Resume a paused run',
        stop: 'Stop: cancel running queries and end the run (final)',
        restart: 'Stop the run if needed, then start a new one',
      }[command],
      status: command === 'restart' ? 202 : 200,
      params: S.runParams,
      errors: command === 'restart' ? [409, 422] : [409],
      handle: (s, c) => s[command](p<{ runId: string }>(c).runId, c.actor),
    }),
  ),
  ...SEND_ROUTES,
  {
    method: 'GET',
    path: '/runs/{runId}/logs',
    summary: "The run's log, in order",
    status: 200,
    params: S.runParams,
    query: S.logsQuery,
    handle: (s, c) => s.logs(p<{ runId: string }>(c).runId, c.query),
  },
  {
    method: 'GET',
    path: '/runs/{runId}/tasks',
    summary: "The run's activity executions, in order",
    status: 200,
    params: S.runParams,
    query: S.tasksQuery,
    handle: async (s, c) => {
      const { activity, status } = c.query as { activity?: string; status?: string };
      return (await s.tasks(p<{ runId: string }>(c).runId)).filter(
        (t) => (!activity || t.activityId === activity) && (!status || t.status === status),
      );
    },
  },
  {
    method: 'GET',
    path: '/runs/{runId}/transitions/{transitionId}/schema',
    summary: "The columns of a transition's work table",
    status: 200,
    params: S.transitionParams,
    handle: (s, c) => s.transitionSchema(p<{ runId: string }>(c).runId, p<{ transitionId: string }>(c).transitionId),
  },
  {
    method: 'GET',
    path: '/runs/{runId}/transitions/{transitionId}/rows',
    summary: "A page of a transition's rows",
    status: 200,
    params: S.transitionParams,
    query: S.rowsQuery,
    handle: (s, c) =>
      s.transitionRows(
        p<{ runId: string }>(c).runId,
        p<{ transitionId: string }>(c).transitionId,
        c.query as { limit: number; offset: number },
      ),
  },
  ...REPORT_ROUTES,
  ...JOB_ROUTES,
];

const compiled = ROUTES.map((r) => ({
  route: r,
  regex: new RegExp(`^${r.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}/?$`),
}));

function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: status === 204 ? '' : JSON.stringify(body),
  };
}

export function errorResponse(e: ApiError, headers?: Record<string, string>): ApiResponse {
  return json(
    e.status,
    { error: e.error, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) },
    headers,
  );
}

function zodDetails(error: z.ZodError, where: string) {
  return error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message }));
}

function tooLarge(req: ApiRequest): boolean {
  return req.body !== undefined && Buffer.byteLength(req.body) > MAX_BODY_BYTES;
}

function parseBody(req: ApiRequest): unknown {
  if (req.body === undefined || req.body === '') return undefined;
  // JSON and YAML only: a browser cannot send these to another site without a CORS preflight.
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const yaml = /^application\/(x-)?yaml$|^text\/yaml$/.test(type);
  if (!yaml && type !== 'application/json' && !type.endsWith('+json'))
    throw new ApiError(
      415,
      'unsupported_media_type',
      `send the body as application/json or application/yaml, not ${type}`,
    );
  let value: unknown;
  try {
    value = yaml ? parseYamlText(req.body) : JSON.parse(req.body);
  } catch (e) {
    if (e instanceof TooDeepError) throw badRequest(`the body is nested too deeply: ${e.message}`);
    throw badRequest(`the body is not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
  // Refused here, before the schemas and the validation walk it.
  if (nestingExceeds(value)) throw badRequest(`the body is nested too deeply: ${nestingMessage()}`);
  const big = unsafeNumberPath(value);
  if (big) {
    let n: unknown = value;
    for (const k of big) n = (n as Record<string | number, unknown>)[k];
    throw badRequest(`a number is too large at ${big.join('.') || 'the top'}: ${unsafeNumberMessage(n)}`, [
      { in: 'body', path: big.join('.'), message: unsafeNumberMessage(n) },
    ]);
  }
  return value;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw badRequest(`the path has a malformed escape: ${value}`);
  }
}

/** Answers a request; `onError` hears about failures that are orca's (500), with the error. */
export async function handle(
  service: CampaignService,
  req: ApiRequest,
  onError?: (e: unknown) => void,
): Promise<ApiResponse> {
  try {
    if (tooLarge(req)) throw new ApiError(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    const path = req.path.replace(/\/+$/, '') || '/';
    if (path === '/openapi.json' && req.method === 'GET') return json(200, openApiDocument(ROUTES));
    const matches = compiled.map((c) => ({ ...c, m: c.regex.exec(path) })).filter((c) => c.m);
    if (!matches.length)
      throw new ApiError(404, 'not_found', `no route ${req.method} ${req.path}; see GET /openapi.json`);
    const match = matches.find((c) => c.route.method === req.method);
    if (!match) {
      const allow = matches.map((c) => c.route.method).join(', ');
      return errorResponse(
        new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${allow}`),
        { allow },
      );
    }
    const { route } = match;
    const rawParams = Object.fromEntries(Object.entries(match.m!.groups ?? {}).map(([k, v]) => [k, decode(v)]));
    const params = route.params ? route.params.safeParse(rawParams) : { success: true as const, data: rawParams };
    if (!params.success) throw badRequest('invalid path parameters', zodDetails(params.error, 'path'));
    // A parameter the route does not take is refused: ignoring it would answer another question.
    const known = Object.keys(route.query?.shape ?? {});
    const unknown = Object.keys(req.query).filter((k) => !known.includes(k));
    if (unknown.length)
      throw badRequest(
        `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k.slice(0, 64)}'`).join(', ')}; ${known.length ? `${req.method} ${route.path} takes: ${known.join(', ')}` : `${req.method} ${route.path} takes none`}`,
        unknown.map((k) => ({ in: 'query', path: k.slice(0, 64), message: 'unknown parameter' })),
      );
    const query = route.query ? route.query.safeParse(req.query) : { success: true as const, data: {} };
    if (!query.success) throw badRequest('invalid query parameters', zodDetails(query.error, 'query'));
    let body: unknown;
    if (route.body) {
      if (route.maxBytes && req.body !== undefined && Buffer.byteLength(req.body) > route.maxBytes)
        throw new ApiError(
          413,
          'payload_too_large',
          `a campaign definition is at most ${route.maxBytes / 1024} KB (this one is ${Math.ceil(Buffer.byteLength(req.body) / 1024)} KB): the run store keeps it in one item, and DynamoDB's items are at most 400 KB; shorten descriptions, or split the campaign (an End activity can start another)`,
        );
      const raw = parseBody(req);
      if (raw === undefined && !route.optionalBody) throw badRequest('a body is required');
      if (raw !== undefined) {
        const parsed = route.body.safeParse(raw);
        if (!parsed.success) throw badRequest('invalid body', zodDetails(parsed.error, 'body'));
        body = parsed.data;
      }
    }
    const result = await route.handle(service, {
      params: params.data as Record<string, string>,
      query: query.data as Record<string, unknown>,
      body,
      actor: req.actor ?? 'api',
    });
    if (result instanceof RawBody)
      return {
        status: route.status,
        headers: { 'content-type': result.contentType, ...result.headers },
        body: result.body,
      };
    return json(route.status, result);
  } catch (e) {
    if (e instanceof ApiError) return errorResponse(e);
    onError?.(e);
    return errorResponse(
      new ApiError(500, 'internal_error', 'orca failed to handle the request; the service log has the details'),
    );
  }
}
