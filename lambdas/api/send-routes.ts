/** The routes of channel activities: confirm a send that waits for it. */
import { z } from 'zod';
import type { DocumentedRoute } from './openapi.js';
import type { CampaignService } from './service.js';
import * as S from './schemas.js';

/** A route as router.ts's `Route` takes it (declared here: the router imports these routes). */
interface SendRoute extends DocumentedRoute {
  method: 'POST';
  errors?: Array<409 | 422>;
  handle(service: CampaignService, c: { params: Record<string, string>; actor: string }): Promise<unknown>;
}

export const activityParams = S.runParams.extend({ activityId: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/) });

export const SEND_ROUTES: SendRoute[] = [
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
