/**
 * Who may call which route of the HTTP API from the console: three roles, each a list of
 * `execute-api:Invoke` resources (method + path), each including the one before it.
 *
 * - viewers: every GET route (lists, runs, logs, tasks, previews, reports, the OpenAPI document);
 * - operators: plus the run controls (start, pause, resume, stop, restart, confirm a send, its
 *   proofs), the count before running (queries in scratch tables, nothing saved), and pausing,
 *   resuming or cancelling an import job;
 * - editors: plus everything that changes campaigns (create, edit, duplicate, publish, archive,
 *   delete) or data (starting an import job, uploading its file, rolling a table back), and
 *   starting an export (a file of a whole table or audience). A finished export's download ticket
 *   is a GET, as the transitions' previews and the rejects' CSV are: viewers may fetch it.
 *
 * A route that changes something and is not listed as a run control is an editor's: a new route is
 * never given to viewers or operators by default.
 *
 * The resource of a route ("Amazon API Gateway Developer Guide — Control access for invoking an
 * API", the execute-api ARN format): arn:<partition>:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>,
 * a path parameter written `*`.
 */
import { ROUTES } from '../../lambdas/api/router.js';

export type ConsoleRole = 'viewers' | 'operators' | 'editors';
export const CONSOLE_ROLES: ConsoleRole[] = ['viewers', 'operators', 'editors'];

export interface RouteKey {
  method: string;
  /** The route's path with its parameters: /campaigns/{id}. */
  path: string;
}

/** The run controls (and the count before running) operators may call, by route. */
export const OPERATOR_ROUTES = new Set([
  'POST /campaigns/{id}/runs',
  'POST /campaigns/{id}/count',
  'POST /runs/{runId}/pause',
  'POST /runs/{runId}/resume',
  'POST /runs/{runId}/stop',
  'POST /runs/{runId}/restart',
  'POST /runs/{runId}/activities/{activityId}/confirm',
  'POST /runs/{runId}/activities/{activityId}/proof',
  'POST /jobs/{jobId}/pause',
  'POST /jobs/{jobId}/resume',
  'POST /jobs/{jobId}/cancel',
]);

/** The least role that may call a route. */
export function roleOf(route: RouteKey): ConsoleRole {
  if (route.method === 'GET') return 'viewers';
  if (OPERATOR_ROUTES.has(`${route.method} ${route.path}`)) return 'operators';
  return 'editors';
}

/** The API's routes: the router's, and the OpenAPI document it answers. */
export function apiRoutes(): RouteKey[] {
  return [...ROUTES.map((r) => ({ method: r.method, path: r.path })), { method: 'GET', path: '/openapi.json' }];
}

/** The routes a role may call (its own and those of the roles below it). */
export function routesOf(role: ConsoleRole, routes: RouteKey[] = apiRoutes()): RouteKey[] {
  const rank = CONSOLE_ROLES.indexOf(role);
  return routes.filter((r) => CONSOLE_ROLES.indexOf(roleOf(r)) <= rank);
}

/** The part of a route's execute-api ARN after the stage: METHOD/path, each path parameter `*`. */
export const invokePath = (route: RouteKey): string => `${route.method}${route.path.replace(/\{\w+\}/g, '*')}`;
