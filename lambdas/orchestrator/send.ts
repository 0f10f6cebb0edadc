/**
 * The steps of a channel activity after its gate planned the message table (see statemachines/compile.ts):
 *
 * - prepared (control fn): counts the messages and the exclusions by reason (one GROUP BY), writes
 *   the chunk manifest (`<location>/manifest.json`) and, for an MJML email, the HTML compiled once
 *   for the run (`<location>/compiled.html`, which every chunk and proof renders), sets the report's
 *   targeted / excluded.* counters, logs them; answers the chunks to send (none in test mode) and
 *   whether to wait for a confirmation;
 * - confirm (gate fn, a callback): the activity needs attention and waits, parked, until
 *   `orca confirm RUN ACTIVITY` (or the API) confirms exactly it;
 * - chunk (send fn, one per chunk, inside the Map): hands the chunk to the sender with its time budget;
 *   `Orca.ChunkContinue` when the budget ended first (the Map's Retry calls it again);
 * - sent (record fn): sums the chunks' counts, sets and logs them, and answers the output query
 *   (`sent`: the messages the message log says were sent; `excluded`: the prepare's excluded rows)
 *   that the branch's shared query and record states run like any activity's.
 */
import type { ActivityDef } from '../activities/index.js';
import { CHANNELS, type Channel, MESSAGE_COLUMNS, OUTCOMES, PREPARE_OUTPUTS } from '../channels/columns.js';
import { physicalSelect } from '../activities/framework.js';
import { glueTableName } from '../layout.js';
import type { ChunkCounts, ReportCounters } from '../ports/ledger.js';
import type { Dialect } from '../sql/dialect.js';
import { lakeSource } from '../channels/lake.js';
import { compileMjml } from '../channels/templates.js';
import type { ChunkJob, SendChunk } from './chunk.js';
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import { population, type WorkSchema } from '../sql/population.js';
import type { Column } from '../sql/types.js';
import { ChunkContinue } from '../util/errors.js';
import { ActivityError, RunStopped } from './errors.js';
import { iso } from './activity-records.js';
import { PARKED, type Parked } from './gate.js';
import { planEntry } from './plan.js';
import type {
  ChannelDeps,
  ChunkEvent,
  ConfirmEvent,
  Deps,
  GateResult,
  Prepared,
  PreparedEvent,
  SendGate,
  SentEvent,
} from './types.js';

/** A channel activity's settings (email, sms, push). */
export type ChannelActivity = Extract<ActivityDef, { type: Channel }>;

/** The manifest of a message table: chunk i = the files one sender reads in full. */
export interface Manifest {
  chunks: string[][];
}

export const manifestKey = (location: string): string => `${location}/manifest.json`;

/**
 * An MJML email's HTML, compiled once per run by the prepared step (mjml is asynchronous and takes
 * tens of milliseconds a document: not a chunk's work, and the same for every chunk), beside the manifest.
 */
export const compiledHtmlKey = (location: string): string => `${location}/compiled.html`;

/** Compiles an MJML email's body and keeps it for the chunks (validation checked that it compiles). */
async function writeCompiledHtml(channels: ChannelDeps, activity: ChannelActivity, location: string): Promise<void> {
  if (activity.type !== 'email' || activity.mjml === undefined) return;
  const r = await compileMjml(activity.mjml);
  if ('error' in r) throw new ActivityError(`activity '${activity.id}': mjml: the MJML does not compile: ${r.error}`);
  await channels.objects.put(compiledHtmlKey(location), r.html, 'text/html; charset=utf-8');
}

/** The activity as chunks and proofs render it: an MJML body replaced by the HTML the prepared step compiled. */
export async function withCompiledHtml(
  channels: ChannelDeps,
  activity: ChannelActivity,
  location: string,
): Promise<ChannelActivity> {
  if (activity.type !== 'email' || activity.mjml === undefined) return activity;
  const key = compiledHtmlKey(location);
  let html: string;
  try {
    const file = await channels.objects.open(key);
    html = Buffer.from(await file.slice(0)).toString('utf8');
  } catch (e) {
    throw new ActivityError(`activity '${activity.id}': cannot read its compiled MJML ${key}: ${(e as Error).message}`);
  }
  return { ...activity, html, mjml: undefined };
}

/** How long before the end of its invocation a chunk sender stops (it then continues in a new one). */
export const CHUNK_MARGIN_MS = 60_000;

const fmt = (n: number) => n.toLocaleString('en-US');

function channelsOf(deps: Deps, activityId: string): ChannelDeps {
  if (!deps.channels)
    throw new ActivityError(
      `activity '${activityId}': this deployment has no channel providers, ledger or object store, so it cannot send`,
    );
  return deps.channels;
}

function asChannelActivity(a: { id: string; type: string }): ChannelActivity {
  if (!(CHANNELS as readonly string[]).includes(a.type))
    throw new ActivityError(`activity '${a.id}' is a ${a.type}, not a channel activity`);
  return a as ChannelActivity;
}

/**
 * Chunk i's files among a message table's `messages` files: locally the files under
 * `orca_chunk=i/` (DuckDB's PARTITION_BY); in the cloud the i-th bucket file (Athena's CTAS with
 * bucket_count = n names each bucket's file with `bucket-<i>` — "Amazon Athena User Guide —
 * Partitioning and bucketing"). A chunk without rows has no files.
 */
export function chunkFiles(keys: string[], chunks: number): string[][] {
  const out: string[][] = Array.from({ length: chunks }, () => []);
  for (const key of keys) {
    const m = /orca_chunk=(\d+)\//.exec(key) ?? /bucket-0*(\d+)(?:\D[^/]*)?$/.exec(key);
    const i = m ? Number(m[1]) : Number.NaN;
    if (Number.isInteger(i) && i >= 0 && i < chunks) out[i]!.push(key);
  }
  return out;
}

export async function preparedStep(e: PreparedEvent & { confirm?: boolean }, deps: Deps): Promise<Prepared> {
  const g = e.gate;
  const { run } = e;
  const activityId = g.activity.id;
  const written = await deps.engine.outputRows(g.target, g.query?.id ?? '');
  const messages = Object.hasOwn(written, PREPARE_OUTPUTS.messages) ? written[PREPARE_OUTPUTS.messages]! : 0;
  const excluded = Object.hasOwn(written, PREPARE_OUTPUTS.excluded) ? written[PREPARE_OUTPUTS.excluded]! : 0;
  // One GROUP BY over the excluded rows: how many per reason.
  const reasons =
    excluded > 0
      ? await deps.engine.countBy(
          population(
            { dimension: null, columns: [{ name: MESSAGE_COLUMNS.reason, type: 'string' }] },
            { location: g.target.location, table: g.target.table, output: PREPARE_OUTPUTS.excluded, rows: excluded },
          ),
          MESSAGE_COLUMNS.reason,
        )
      : {};
  const counters: ReportCounters = { targeted: messages + excluded };
  for (const [reason, n] of Object.entries(reasons)) counters[`excluded.${reason}` as keyof ReportCounters] = n;

  const channels = deps.channels;
  if (channels) {
    const keys = (await channels.objects.list(`${g.target.location}/${PREPARE_OUTPUTS_DIR}`)).map((o) => o.key);
    const manifest: Manifest = { chunks: chunkFiles(keys, g.chunks) };
    await channels.objects.put(manifestKey(g.target.location), JSON.stringify(manifest), 'application/json');
    await writeCompiledHtml(channels, asChannelActivity(g.activity), g.target.location);
    await channels.reports.setCounters(run.campaign.id, run.runId, activityId, counters);
  } else if (!run.testMode) channelsOf(deps, activityId);

  const byReason = Object.entries(reasons)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([r, n]) => `${r || 'unknown'} ${fmt(n)}`)
    .join(', ');
  const confirm = !run.testMode && messages > 0 && e.confirm === true;
  const chunks = run.testMode || messages === 0 ? [] : Array.from({ length: g.chunks }, (_, i) => i);
  const next = run.testMode
    ? 'test mode: nothing is sent'
    : confirm
      ? 'waiting for a confirmation'
      : messages > 0
        ? `sending in ${fmt(chunks.length)} chunk${chunks.length === 1 ? '' : 's'}`
        : 'nothing to send';
  await deps.store.log(run.runId, {
    at: iso(deps),
    level: 'info',
    activity: activityId,
    message: `prepared: ${fmt(messages)} message${messages === 1 ? '' : 's'} to send, ${fmt(excluded)} excluded${byReason ? ` (${byReason})` : ''}; ${next}`,
    sql: g.select,
    rows: messages,
  });
  if (chunks.length && !confirm) await deps.store.updateActivity(run.runId, activityId, { sendingSince: iso(deps) });
  return { chunks, confirm, rows: { messages, excluded } };
}

/** The folder of the message table's rows to send. */
const PREPARE_OUTPUTS_DIR = `orca_output=${PREPARE_OUTPUTS.messages}/`;

/**
 * Waits for a confirmation: parks (kind 'confirm') with the activity needing attention; a
 * confirmation (a parking woken for this activity only, `confirmed` in the cloud's replayed event)
 * starts the sending. A stopped run ends the wait.
 */
export async function confirmStep(
  e: ConfirmEvent & { confirmed?: boolean },
  deps: Deps,
): Promise<{ confirmed: true } | Parked> {
  const runId = e.run.runId;
  const stopped = async () => {
    const r = await deps.store.getRun(runId);
    if (!r || r.status === 'stopping' || r.status === 'stopped') throw new RunStopped();
  };
  await stopped();
  if (!e.confirmed) {
    if (!e.resumed) {
      await deps.store.updateActivity(runId, e.activity, { status: 'needsAttention' });
      await deps.store.log(runId, {
        at: iso(deps),
        level: 'info',
        activity: e.activity,
        message: `waiting for a confirmation before sending: orca confirm ${runId} ${e.activity} (or POST /runs/${runId}/activities/${e.activity}/confirm); orca proof ${runId} ${e.activity} shows samples`,
      });
    }
    const outcome = await deps.control.park({
      runId,
      activityId: e.activity,
      kind: 'confirm',
      token: e.token,
      event: { ...e, resumed: true },
    });
    if (outcome === 'parked') return PARKED;
    await stopped();
  }
  await deps.store.updateActivity(runId, e.activity, { status: 'running', sendingSince: iso(deps) });
  return { confirmed: true };
}

/** One chunk: its files from the manifest, its window and time budget, then the sender. */
export async function chunkStep(
  e: ChunkEvent & { location: string },
  deps: Deps,
  send: SendChunk,
  invocation: { attempt: string; remainingMs: number },
): Promise<ChunkCounts> {
  const runId = e.run.runId;
  const channels = channelsOf(deps, e.activity);
  const now = channels.now?.() ?? Date.now();
  const { activity: def } = await planEntry(deps.store, runId, e.activity);
  const activity = await withCompiledHtml(channels, asChannelActivity(def), e.location);
  const [manifest, record] = await Promise.all([
    readManifest(channels, e.location, e.activity),
    deps.store.listActivities(runId).then((all) => all.find((a) => a.activityId === e.activity)),
  ]);
  const since = record?.sendingSince ?? record?.startedAt;
  const perSecond = await sendingRate(channels, activity);
  const windowMinutes = activity.throttle?.windowMinutes;
  const job: ChunkJob = {
    campaignId: e.run.campaign.id,
    runId,
    activity,
    channel: activity.type,
    chunk: e.chunk,
    files: manifest.chunks[e.chunk] ?? [],
    attempt: invocation.attempt,
    ...(perSecond !== undefined ? { perSecond } : {}),
    ...(windowMinutes !== undefined && since ? { windowEndsAt: Date.parse(since) + windowMinutes * 60_000 } : {}),
    deadline: now + invocation.remainingMs - CHUNK_MARGIN_MS,
  };
  const r = await send(job, channels);
  if (!r.done) {
    const sofar = OUTCOMES.reduce((a, o) => a + (r.counts[o] ?? 0), 0);
    throw new ChunkContinue(
      `activity '${e.activity}' chunk ${e.chunk}: ${fmt(sofar)} messages done before the time budget ended; going on`,
    );
  }
  return r.counts;
}

/** The activity's rate, capped at its provider's own sending rate when the provider knows it. */
async function sendingRate(channels: ChannelDeps, activity: ChannelActivity): Promise<number | undefined> {
  const max = await channels.providers[activity.type]?.maxPerSecond?.();
  const own = activity.throttle?.perSecond;
  const limits = [own, max].filter((n): n is number => typeof n === 'number' && n > 0);
  return limits.length ? Math.min(...limits) : undefined;
}

async function readManifest(channels: ChannelDeps, location: string, activityId: string): Promise<Manifest> {
  const key = manifestKey(location);
  try {
    const file = await channels.objects.open(key);
    return JSON.parse(Buffer.from(await file.slice(0)).toString('utf8')) as Manifest;
  } catch (e) {
    throw new ActivityError(`activity '${activityId}': cannot read its chunk manifest ${key}: ${(e as Error).message}`);
  }
}

/** Sums the chunks' counts per outcome. */
export function sumCounts(chunks: Iterable<ChunkCounts>): ChunkCounts {
  const total: ChunkCounts = {};
  for (const c of chunks) for (const o of OUTCOMES) if (c[o]) total[o] = (total[o] ?? 0) + c[o]!;
  return total;
}

export async function sentStep(
  e: SentEvent & { send: Prepared },
  deps: Deps,
): Promise<Extract<GateResult, { action: 'query' }>> {
  const g = e.gate;
  const { run } = e;
  const activityId = g.activity.id;
  const sent = e.send.chunks.length ? channelsOf(deps, activityId) : deps.channels;
  const counts =
    sent && e.send.chunks.length ? sumCounts((await sent.ledger.chunkCounts(run.runId, activityId)).values()) : {};
  if (sent && e.send.chunks.length) {
    // Where the hand-off is the delivery (local SMTP, the outbox), every sent message is delivered:
    // counted here once for the activity (one write per message would halve the local sending rate).
    const provider = sent.providers[asChannelActivity(g.activity).type];
    const delivered = provider?.handOffIsDelivery ? { delivered: counts.sent ?? 0 } : {};
    await sent.reports.setCounters(run.campaign.id, run.runId, activityId, { ...counts, ...delivered });
  }
  const parts = OUTCOMES.filter((o) => o === 'sent' || counts[o]).map((o) => `${o} ${fmt(counts[o] ?? 0)}`);
  await deps.store.log(run.runId, {
    at: iso(deps),
    level: (counts.failed ?? 0) + (counts.unknown ?? 0) > 0 ? 'warn' : 'info',
    activity: activityId,
    message: run.testMode ? 'test mode: nothing sent' : parts.join(', '),
    rows: counts.sent ?? 0,
  });
  const q = outputQuery(g, deps.engine.dialect, e.send, counts.sent ?? 0, run);
  await deps.engine.prepareTarget(q.target);
  return { ...q, sql: deps.engine.materialize(q.select, q.target) };
}

/** Where the output query writes (beside the message table, whose location it reads). */
export const outputsLocation = (location: string): string => `${location}/outputs`;

/**
 * The output query: `sent` rows are the message table's messages the message log says were sent;
 * `excluded` rows are the prepare's excluded rows. One physical layout for both (physicalSelect).
 */
export function outputQuery(
  g: SendGate,
  dialect: Dialect,
  prepared: Prepared,
  sentCount: number,
  run: { runId: string; campaign: { id: string }; startedAt: string },
): Extract<GateResult, { action: 'query' }> {
  const outputs: Record<string, WorkSchema | null> = {};
  for (const [o, s] of Object.entries(g.outputs)) outputs[o] = s && { dimension: s.dimension, columns: s.columns };
  const layout: Column[] = [];
  for (const s of Object.values(outputs))
    for (const c of s?.columns ?? []) if (!layout.some((l) => l.name === c.name)) layout.push(c);
  const from = (output: string, columns: Column[], rows: number) =>
    dialect.workTable(
      population({ dimension: null, columns }, { location: g.target.location, table: g.target.table, output, rows }),
    );
  const selects: string[] = [];
  for (const [output, schema] of Object.entries(outputs)) {
    if (!schema) continue;
    const values = Object.fromEntries(schema.columns.map((c) => [c.name, `w.${quoteIdent(c.name)}`]));
    if (output === PREPARE_OUTPUTS.excluded) {
      if (prepared.rows.excluded > 0)
        selects.push(
          `SELECT ${physicalSelect(layout, values, output)} FROM ${from(PREPARE_OUTPUTS.excluded, schema.columns, prepared.rows.excluded)} AS w`,
        );
    } else if (output === 'sent') {
      if (sentCount > 0) {
        const id = { name: MESSAGE_COLUMNS.messageId, type: 'string' } as const;
        // The message log (lake.ts), within the run's channel and days (its partitions).
        const log = dialect.lakeTable(lakeSource('messages'));
        const channel = asChannelActivity(g.activity).type;
        selects.push(
          `SELECT ${physicalSelect(layout, values, output)} FROM ${from(PREPARE_OUTPUTS.messages, [...schema.columns, id], prepared.rows.messages)} AS w WHERE w.${quoteIdent(id.name)} IN (SELECT l.message_id FROM ${log} AS l WHERE l.channel = ${stringLiteral(channel)} AND l.day >= ${stringLiteral(run.startedAt.slice(0, 10))} AND l.run_id = ${stringLiteral(run.runId)} AND l.activity_id = ${stringLiteral(g.activity.id)} AND l.outcome = 'sent')`,
        );
      }
    } else throw new ActivityError(`activity '${g.activity.id}': a channel activity has no output '${output}'`);
  }
  // No rows for any output: a query of none (its outputs count 0).
  const select = selects.length
    ? selects.join('\nUNION ALL\n')
    : `SELECT ${physicalSelect(layout, {}, PREPARE_OUTPUTS.excluded)} WHERE FALSE`;
  const target = {
    location: outputsLocation(g.target.location),
    table: glueTableName('w', run.campaign.id, run.runId, g.activity.id, 'outputs'),
  };
  return {
    action: 'query',
    sql: '',
    select,
    target,
    activity: g.activity,
    outbound: g.outbound,
    outputs,
    startedAt: g.startedAt,
    resetErrors: g.resetErrors,
  };
}
