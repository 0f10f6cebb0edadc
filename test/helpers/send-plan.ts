/**
 * A channel activity whose plan the tests control (the real prepare query is
 * lambdas/channels/prepare.ts's): the email module with execution 'send' and a small message-table
 * SELECT over the tiny catalog's recipients (address = lower(trim(email)); a NULL or empty email
 * is excluded as noAddress; every message in chunk 0). Used through vi.mock of channels.js.
 */
import type * as Channels from '../../lambdas/activities/channels.js';
import {
  columnList,
  invalid,
  type PlanContext,
  populationInput,
  type ActivityModule,
} from '../../lambdas/activities/framework.js';
import { quoteIdent } from '../../lambdas/sql/literal.js';

type Email = Parameters<(typeof Channels)['email']['plan']>[0];

/** K = max(5,000, ceil(rows / 2,000)) rows per chunk, n = ceil(rows / K) chunks (the channels design). */
export const designChunks = (rows: number): number =>
  Math.max(1, Math.ceil(rows / Math.max(5_000, Math.ceil(rows / 2_000))));

export function testEmailPlan(a: Email, ctx: PlanContext) {
  const input = populationInput(ctx);
  if (!input) return invalid();
  const table = ctx.catalog.table(ctx.campaign.dimension)!;
  const key = quoteIdent(table.primaryKey);
  const email = `t.${quoteIdent(a.address)}`;
  const none = `${email} IS NULL OR trim(${email}) = ''`;
  const sql = [
    `SELECT ${columnList(input.schema.columns, 'w')}, md5(CAST(w.${key} AS VARCHAR)) AS orca_message_id,`,
    `lower(trim(${email})) AS orca_address, 0 AS orca_chunk,`,
    `CASE WHEN ${none} THEN 'noAddress' END AS orca_reason,`,
    `CASE WHEN ${none} THEN 'excluded' ELSE 'messages' END AS orca_output`,
    `FROM ${ctx.env.dialect.workTable(input.ref)} AS w LEFT JOIN ${ctx.env.dialect.catalogTable(table)} AS t ON t.${key} = w.${key}`,
  ].join('\n');
  const rows = input.ref.rows > 0 ? input.ref.rows : 1;
  return {
    action: {
      type: 'send' as const,
      sql,
      location: ctx.outputLocation,
      chunks: designChunks(rows),
      channel: 'email' as const,
    },
    outputs: {
      ...(a.generateOutput ? { sent: input.schema } : {}),
      excluded: {
        ...input.schema,
        columns: [...input.schema.columns, { name: 'orca_reason', type: 'string' as const }],
      },
    },
  };
}

/** The channels module with email sending through the test plan. */
export function sendingChannels(orig: typeof Channels): typeof Channels {
  const email: ActivityModule<Email> = {
    ...orig.email,
    execution: 'send',
    outputs: (a) => (a.generateOutput ? ['sent', 'excluded'] : ['excluded']),
    plan: testEmailPlan,
  };
  return { ...orig, email: email as typeof orig.email };
}
