/**
 * The console's URLs (the history API, no router package): the list at / (or /ui/), a campaign at
 * /ui/campaigns/<id>, a run at .../runs/<runId>, a transition at .../transitions/<id>; the
 * selected activity in ?activity=; the import jobs at /ui/jobs, one at /ui/jobs/<id>. Every state
 * worth sharing is a link.
 */
export type Route =
  | { page: 'list' }
  | { page: 'campaign'; id: string; runId?: string; transition?: string; activity?: string }
  | { page: 'jobs' }
  | { page: 'job'; id: string }
  | { page: 'missing'; path: string };

const seg = (s: string | undefined) => (s === undefined ? undefined : decodeURIComponent(s));

export function parseRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/ui' || path === '/ui/campaigns') return { page: 'list' };
  if (path === '/ui/jobs') return { page: 'jobs' };
  const job = /^\/ui\/jobs\/([^/]+)$/.exec(path);
  if (job) return { page: 'job', id: seg(job[1])! };
  const m = /^\/ui\/campaigns\/([^/]+)(?:\/runs\/([^/]+)(?:\/transitions\/([^/]+))?)?$/.exec(path);
  if (!m) return { page: 'missing', path: pathname };
  const activity = new URLSearchParams(search).get('activity') ?? undefined;
  return {
    page: 'campaign',
    id: seg(m[1])!,
    ...(m[2] ? { runId: seg(m[2])! } : {}),
    ...(m[3] ? { transition: seg(m[3])! } : {}),
    ...(activity ? { activity } : {}),
  };
}

export function routePath(r: Route): string {
  if (r.page === 'list') return '/ui/campaigns';
  if (r.page === 'missing') return r.path;
  if (r.page === 'jobs') return '/ui/jobs';
  if (r.page === 'job') return `/ui/jobs/${encodeURIComponent(r.id)}`;
  let p = `/ui/campaigns/${encodeURIComponent(r.id)}`;
  if (r.runId) {
    p += `/runs/${encodeURIComponent(r.runId)}`;
    if (r.transition) p += `/transitions/${encodeURIComponent(r.transition)}`;
  }
  if (r.activity) p += `?activity=${encodeURIComponent(r.activity)}`;
  return p;
}
