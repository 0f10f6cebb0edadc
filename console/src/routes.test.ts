import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from './routes.js';

describe('console URLs', () => {
  it('the list at /, /ui and /ui/campaigns', () => {
    for (const p of ['/', '/ui', '/ui/', '/ui/campaigns']) expect(parseRoute(p)).toEqual({ page: 'list' });
  });

  it('a campaign, a run, a transition, a selected activity: parsed and written back the same', () => {
    const cases = [
      '/ui/campaigns/welcome',
      '/ui/campaigns/welcome?activity=people',
      '/ui/campaigns/welcome/runs/r-1',
      '/ui/campaigns/welcome/runs/r-1/transitions/people-split',
    ];
    for (const c of cases) {
      const [path, search] = c.split('?');
      expect(routePath(parseRoute(path!, search ? `?${search}` : ''))).toBe(c);
    }
    expect(parseRoute('/ui/campaigns/welcome/runs/r-1/transitions/a-b', '?activity=x')).toEqual({
      page: 'campaign',
      id: 'welcome',
      runId: 'r-1',
      transition: 'a-b',
      activity: 'x',
    });
  });

  it('ids are escaped; an unknown path is a missing page; a transition needs its run', () => {
    expect(routePath({ page: 'campaign', id: 'a b', runId: 'r/1' })).toBe('/ui/campaigns/a%20b/runs/r%2F1');
    expect(parseRoute('/ui/campaigns/a%20b')).toEqual({ page: 'campaign', id: 'a b' });
    expect(parseRoute('/ui/nope')).toEqual({ page: 'missing', path: '/ui/nope' });
    expect(routePath({ page: 'campaign', id: 'c', transition: 't' })).toBe('/ui/campaigns/c');
  });

  it('the import jobs and one job: parsed and written back the same', () => {
    expect(parseRoute('/ui/jobs')).toEqual({ page: 'jobs' });
    expect(parseRoute('/ui/jobs/imp-1')).toEqual({ page: 'job', id: 'imp-1' });
    for (const c of ['/ui/jobs', '/ui/jobs/imp-20261201t1-a%2Fb']) expect(routePath(parseRoute(c))).toBe(c);
  });
});
