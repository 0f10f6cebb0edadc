/**
 * After an activity's query (or wait): counts the rows of each output, decides which outputs carry
 * on (skip-if-empty, an empty incremental result...) or fails the activity (too many rejects),
 * moves a saved audience's pointer, remembers an incremental query's keys, and records the
 * transitions, the task and the log.
 */
import { moduleOf } from '../activities/index.js';
import { population, type WorkSchema } from '../sql/population.js';
import type { TransitionRecord } from '../ports/store.js';
import { ActivityError } from './errors.js';
import { complete } from './gate.js';
import { finishActivity, inactiveTransition, iso } from './activity-records.js';
import type { Deps, RecordEvent } from './types.js';
import { applyTableVersion } from './update-table.js';

export async function recordActivity(e: RecordEvent, deps: Deps): Promise<void> {
  const g = e.gate;
  const run = e.run;
  const activityId = g.activity.id;
  if (g.action === 'wait') {
    await complete(run, deps, { ...g, activityId }, g.forward, 'waited');
    return;
  }
  const at = iso(deps);
  // An output with no rows has no files at all: count it as 0.
  const written = await deps.engine.outputRows(g.target, g.query?.id ?? '');
  // Own counts only: an output named `toString` or `constructor` is a name like any other.
  const rows = Object.fromEntries(Object.keys(g.outputs).map((o) => [o, Object.hasOwn(written, o) ? written[o]! : 0]));
  const settled = moduleOf(g.activity).settle?.(g.activity, rows) ?? {};
  const counts = Object.keys(g.outputs)
    .map((o) => `${o} ${(rows[o] ?? 0).toLocaleString('en-US')}`)
    .join(', ');
  const stats = g.query?.statistics;
  const durationMs =
    stats?.TotalExecutionTimeInMillis ?? stats?.EngineExecutionTimeInMillis ?? Date.parse(at) - Date.parse(g.startedAt);
  if (settled.error) {
    await deps.store.log(run.runId, {
      at,
      level: 'info',
      activity: activityId,
      message: `query done (${counts})`,
      sql: g.select,
      durationMs,
    });
    throw new ActivityError(settled.error);
  }
  const inactive = new Set(settled.inactive ?? []);
  const carried = (output: string, schema: WorkSchema) =>
    population(schema, { ...g.target, output, rows: rows[output] ?? 0 });
  const records: TransitionRecord[] = g.outbound.map((t) => {
    const schema = g.outputs[t.output];
    if (!schema || inactive.has(t.output)) return inactiveTransition(activityId, t, at);
    return {
      transitionId: t.transition,
      from: activityId,
      output: t.output,
      to: t.to,
      active: true,
      population: carried(t.output, schema),
      at,
    };
  });

  // A test run changes nothing a later run reads: no audience, no incremental memory.
  const saves = run.testMode ? undefined : g.saves;
  if (saves && 'audience' in saves) {
    const main = g.outputs.main!;
    // One write moves the audience to its new version: readers see the old one or the new one.
    await deps.store.putAudience({
      name: saves.audience,
      campaignId: run.campaign.id,
      runId: run.runId,
      savedAt: at,
      population: { ...carried('main', main), dimension: main.dimension ?? '' },
    });
  } else if (saves && 'history' in saves) {
    const main = g.outputs.main!;
    await deps.store.addHistory(
      run.campaign.id,
      activityId,
      { runId: run.runId, at: run.startedAt, population: carried('main', main) },
      run.startedAt,
    );
  } else if (saves && 'watermark' in saves) {
    await deps.store.addHistory(run.campaign.id, activityId, undefined, run.startedAt);
  }
  const applied =
    saves && 'table' in saves
      ? `; ${await applyTableVersion(
          deps,
          saves,
          g.target,
          rows,
          `${run.runId}-${activityId}`,
          at,
          g.outbound.some((t) => t.output === 'main'),
        )}`
      : '';

  await deps.engine.registerTransitions(records.filter((r) => r.active));
  const main = rows.main ?? Object.values(rows).reduce((a, b) => a + b, 0);
  const stopped = [...inactive].filter((o) => g.outbound.some((t) => t.output === o));
  const saved = saves && 'audience' in saves ? `; audience '${saves.audience}' saved` : applied;
  await finishActivity(deps, run.runId, {
    activityId,
    startedAt: g.startedAt,
    at,
    transitions: records,
    log: {
      message: `done: ${counts}${stopped.length ? `; ${stopped.join(', ')} empty, not continued` : ''}${saved}`,
      sql: g.select,
      durationMs,
      rows: main,
    },
    rows: main,
    resetErrors: g.resetErrors,
  });
}
