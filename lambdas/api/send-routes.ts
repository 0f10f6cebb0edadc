/** The routes of channel activities: confirm a send that waits for it, proofs before confirming. */
import { z } from 'zod';
import type { DocumentedRoute } from './openapi.js';
import type { CampaignService } from './service.js';
import * as S from './schemas.js';
import { PROOF_DEFAULT, PROOF_MAX } from '../orchestrator/proof.js';

/** A route as router.ts's `Route` takes it (declared here: the router imports these routes). */
interface SendRoute extends DocumentedRoute {
  method: 'POST';
  body?: z.ZodType;
  optionalBody?: boolean;
  errors?: Array<409 | 422>;
  handle(
    service: CampaignService,
    c: { params: Record<string, string>; body?: unknown; actor: string },
  ): Promise<unknown>;
}

export const activityParams = S.runParams.extend({ activityId: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/) });

export const proofBody = z
  .object({
    count: z.number().int().min(1).max(PROOF_MAX).optional().describe(`samples to render (default ${PROOF_DEFAULT})`),
    to: z
      .array(z.string().min(1).max(320))
      .max(10)
      .optional()
      .describe(
        "test addresses of the channel: each sample is sent to each, '[proof] ' before its subject, text or title",
      ),
  })
  .strict();

export const proofSample = z.object({
  to: z.string(),
  subject: z.string().optional(),
  html: z.string().optional(),
  text: z.string().optional(),
  title: z.string().optional(),
  body: z.string().optional(),
  error: z.string().optional().describe('why this sample cannot be rendered'),
});

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
  {
    method: 'POST',
    path: '/runs/{runId}/activities/{activityId}/proof',
    summary:
      "Render the first prepared messages of a channel activity and, with `to`, send them to test addresses (outside the run's messages)",
    status: 200,
    params: activityParams,
    body: proofBody,
    optionalBody: true,
    errors: [409, 422],
    response: z.array(proofSample),
    handle: (s, c) =>
      s.proof(c.params.runId!, c.params.activityId!, (c.body ?? {}) as { count?: number; to?: string[] }, c.actor),
  },
];
