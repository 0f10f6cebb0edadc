/** The routes of channel activities: confirm a send that waits for it. */
import { z } from 'zod';
import type { Route } from './router.js';
import * as S from './schemas.js';

export const activityParams = S.runParams.extend({ activityId: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/) });

export const SEND_ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/runs/{runId}/activities/{activityId}/confirm',
    summary: 'Confirm a channel activity that waits for a confirmation: it sends (409 when it is not waiting)',
    status: 200,
    params: activityParams,
    errors: [409],
    response: S.runDetail,
    handle: (s, c) => s.confirm(c.params.runId!, c.params.activityId!, c.actor),
  },
];
