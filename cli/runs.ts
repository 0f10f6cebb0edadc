/** Opening the local runtime for a command, and printing a run's summary. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../lambdas/catalog/catalog.js';
import type { StatusStore } from '../lambdas/ports/store.js';
import { ACTIVITIES } from '../lambdas/activities/index.js';
import { runDetail, type RunDetail } from '../lambdas/api/runs.js';
import { LocalRuntime } from '../runtime/local-runtime.js';
import { CliError, color, styled, table, terminalText } from './output.js';
import { lockDataFolder } from './data-lock.js';
import { statusIcon } from './progress.js';
import { statusLabel } from '../statemachines/lifecycle.js';

/** The local runtime over a data folder, which this process holds (`orca.pid`) until `close`. */
export interface OpenedRuntime {
  runtime: LocalRuntime;
  close(): Promise<void>;
}

export async function openRuntime(
  dataRoot: string,
  catalog: Catalog,
  command = 'orca',
  channels: { smtpUrl?: string } = {},
): Promise<OpenedRuntime> {
  const lock = lockDataFolder(dataRoot, command);
  try {
    const runtime = await LocalRuntime.open({ dataRoot, catalog, ...channels });
    return {
      runtime,
      close: async () => {
        try {
          await runtime.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (e) {
    lock.release();
    const m = (e as Error).message ?? '';
    if (/lock|LOCK|already held|Resource temporarily unavailable|Database is closed/i.test(m)) {
      throw new CliError(
        `the data folder ${dataRoot} is in use by another process (its run store cannot be opened); wait for it, or use another --data folder`,
        2,
      );
    }
    throw e;
  }
}

/** Refuses to run when a catalog table has no data, and says how to get some. */
export function checkData(dataRoot: string, catalog: Catalog, tables: string[]): void {
  for (const name of tables) {
    const t = catalog.table(name);
    if (!t || t.glue) continue;
    const dir = join(dataRoot, t.location);
    if (!existsSync(dir))
      throw new CliError(
        `no data for table ${name} at ${dir}; generate the sample data with \`npx orca generate --data ${dataRoot}\`, or point --data at your data`,
        2,
      );
  }
}

export type RunSummary = Pick<RunDetail, 'runId' | 'campaignId' | 'status' | 'error' | 'startedAt' | 'endedAt'> & {
  activities: Array<
    Pick<RunDetail['activities'][number], 'id' | 'type' | 'status' | 'rows' | 'startedAt' | 'endedAt' | 'error'>
  >;
  transitions: RunDetail['transitions'];
};

/** Activities in campaign order when known, else in the order they started (not-started last). */
export function sortActivities<T extends RunSummary>(s: T, order?: string[]): T {
  const rank = (id: string) => (order ? order.indexOf(id) : 0);
  return {
    ...s,
    activities: [...s.activities].sort(
      (a, b) => rank(a.id) - rank(b.id) || (a.startedAt ?? '~').localeCompare(b.startedAt ?? '~'),
    ),
  };
}

export async function summarize(store: StatusStore, runId: string, order?: string[]): Promise<RunSummary> {
  const run = await store.getRun(runId);
  if (!run) throw new CliError(`no run '${runId}' in this data folder; \`orca status\` lists the recent runs`, 1);
  return sortActivities(await runDetail(store, run), order);
}

const ms = (a?: string, b?: string) => (a && b ? `${Math.max(0, Date.parse(b) - Date.parse(a))} ms` : '');

export function printSummary(s: RunSummary): void {
  console.log(
    table(
      ['', 'activity', 'type', 'status', 'rows', 'time'],
      s.activities.map((a) => [
        styled(statusIcon(a.status)),
        a.id,
        ACTIVITIES.get(a.type)?.title ?? a.type,
        a.error ? `${statusLabel(a.status)}: ${a.error.slice(0, 60)}` : statusLabel(a.status),
        a.rows !== undefined ? a.rows.toLocaleString('en-US') : '',
        ms(a.startedAt, a.endedAt),
      ]),
    ),
  );
  const moved = s.transitions.filter((t) => t.active);
  if (moved.length) {
    console.log('');
    console.log(
      table(
        ['transition', 'from', 'to', 'rows'],
        moved.map((t) => [
          t.id,
          t.output === 'main' ? t.from : `${t.from}.${t.output}`,
          t.to,
          t.rows.toLocaleString('en-US'),
        ]),
      ),
    );
  }
  const seconds = s.endedAt ? ` in ${((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1)} s` : '';
  const line = `${statusIcon(s.status)} ${terminalText(s.campaignId ?? 'run', true)}: ${s.status}${seconds} (run ${terminalText(s.runId, true)})`;
  console.log(`\n${s.status === 'completed' ? color.green(line) : s.status === 'failed' ? color.red(line) : line}`);
  if (s.error) console.log(color.red(`  ${terminalText(s.error)}`));
}

export function jsonSummary(s: RunSummary): object {
  return {
    runId: s.runId,
    status: s.status,
    ...(s.error ? { error: s.error } : {}),
    activities: s.activities.map((a) => ({
      id: a.id,
      status: a.status,
      ...(a.rows !== undefined ? { rows: a.rows } : {}),
      ...(a.error ? { error: a.error } : {}),
    })),
    transitions: s.transitions.map((t) => ({
      id: t.id,
      from: t.from,
      to: t.to,
      rows: t.rows,
      ...(t.active ? {} : { active: false }),
    })),
  };
}

/**
 * Runs `check` every `ms` (one at a time, errors ignored: the next one tries again). The stop
 * function waits for a check in flight, since the store it reads may close right after.
 */
export function pollEvery(check: () => Promise<void>, ms: number): () => Promise<void> {
  let checking: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (checking) return;
    checking = check()
      .catch(() => undefined)
      .finally(() => {
        checking = undefined;
      });
  }, ms);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await checking;
  };
}

/**
 * While `orca run` runs: when the run pauses (a breakpoint, the suspend error policy), says why and
 * how to go on; a line on standard input (Enter) resumes it. The run lives in this process, so no
 * other command can resume it: when standard input has ended (a pipe or file read to its end,
 * Ctrl-D), a pause can never be resumed, so the watcher says so and stops the run instead of
 * waiting forever. Returns what stops watching.
 */
export function watchPauses(o: {
  store: Pick<StatusStore, 'getRun'>;
  runId: string;
  resume: () => Promise<unknown>;
  /** Stops the run (paused after standard input ended). */
  stop: (reason: string) => Promise<unknown>;
  write: (line: string) => void;
  input: NodeJS.ReadableStream & { unref?: () => void; ref?: () => void };
  intervalMs?: number;
}): () => Promise<void> {
  let announced = false;
  let resuming = false;
  let inputEnded = false;
  let stopping = false;
  const onLine = () => {
    if (!announced || resuming) return;
    resuming = true;
    o.resume()
      .then(() => {
        announced = false;
        o.write(color.dim(`resumed run ${o.runId}`));
      })
      .catch((e) => o.write(color.red(`could not resume: ${(e as Error).message}`)))
      .finally(() => {
        resuming = false;
      });
  };
  const check = async () => {
    const run = await o.store.getRun(o.runId);
    if (run?.status !== 'paused') {
      announced = false;
      return;
    }
    if (!announced) {
      announced = true;
      o.write(
        color.yellow(
          `‖ run ${o.runId} is paused${run.pausedReason ? `: ${run.pausedReason}` : ''}. Press Enter to resume it (or send a line on standard input); Ctrl-C stops it.`,
        ),
      );
    }
    if (inputEnded && !resuming && !stopping) {
      stopping = true;
      o.write(
        color.red(
          `standard input ended, so nothing can resume run ${o.runId} any more (the run lives in this process): stopping it.`,
        ),
      );
      await o
        .stop('standard input ended while the run was paused')
        .catch((e) => o.write(color.red(`could not stop the run: ${(e as Error).message}`)));
    }
  };
  const onEnd = () => {
    inputEnded = true;
  };
  o.input.on('data', onLine);
  o.input.once('end', onEnd);
  o.input.unref?.();
  const stop = pollEvery(check, o.intervalMs ?? 200);
  return async () => {
    o.input.off('data', onLine);
    o.input.off('end', onEnd);
    await stop();
  };
}
