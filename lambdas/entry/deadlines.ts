/**
 * How long each function that waits on Athena queries gives one query, and its Lambda timeout. A
 * wait that outlives its function is killed with the function and never cancels its query; so every
 * wait ends (cancelling its query) before the function's timeout, with a margin for what follows
 * (reading the results, the Glue tables of the transitions). cdk/rules/lambda.test.ts checks
 * the deployed timeouts against these numbers.
 */
export interface QueryLimits {
  /** The engine gives up on a query (and cancels it) after this long. */
  queryDeadlineMs: number;
  /** Poll delays: the first, doubling up to the second (the longest sleep past the deadline). */
  pollMs: [number, number];
  /** The function's Lambda timeout. */
  timeoutSeconds: number;
  /** What the function still does after its last wait (results, Glue), at most. */
  marginMs: number;
}

export const QUERY_LIMITS = {
  /** Row counts of an activity's outputs, then a Glue table per transition. */
  record: { queryDeadlineMs: 5 * 60_000, pollMs: [250, 2000], timeoutSeconds: 6 * 60, marginMs: 30_000 },
  /** Previews behind API Gateway, whose integration timeout is 30 s. */
  api: { queryDeadlineMs: 20_000, pollMs: [250, 1000], timeoutSeconds: 29, marginMs: 5_000 },
  /**
   * One stage of an import job (a CTAS, then small counts): each query's deadline is also bounded by
   * what is left of the invocation (lambdas/entry/import.ts), so the stage's last query ends in time.
   */
  import: { queryDeadlineMs: 13 * 60_000, pollMs: [500, 5000], timeoutSeconds: 15 * 60, marginMs: 60_000 },
} satisfies Record<string, QueryLimits>;
