import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportJobError, jobNameOf, parseImportJob } from '../../../lambdas/imports/job.js';
import { JOB_STATUSES, type JobRecord, type JournalEntry } from '../../../lambdas/ports/imports.js';
import { readDocument, UnreadableFileError } from '../../../lambdas/util/files.js';
import { JobActionRefused, LocalImports } from '../../../runtime/local-imports.js';
import { loadCatalogFor } from '../../load.js';
import { CliError, jsonText, table, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { openRuntime } from '../../runs.js';
import { csvField, jobView } from '../../../lambdas/api/import-service.js';
import type { RejectRow } from '../../../lambdas/api/import-platform.js';
import type { ApiClient } from '../../api-client.js';
import { viaApiOrLocal } from './status.js';

interface Opts {
  endpoint?: string;
  catalog?: string;
  data?: string;
  json?: boolean;
  file?: string;
  status?: string;
  csv?: boolean;
  limit?: string;
  remoteFile?: string;
}

async function withImports<T>(opts: Opts, command: string, f: (i: LocalImports) => Promise<T>): Promise<T> {
  const catalog = loadCatalogFor(opts.catalog);
  const { runtime, close } = await openRuntime(dataPath(opts.data), catalog, command);
  try {
    return await f(await LocalImports.open(runtime));
  } catch (e) {
    if (e instanceof JobActionRefused) throw new CliError(e.message, 1);
    throw e;
  } finally {
    await close();
  }
}

const counts = (j: Pick<JobRecord, 'counts'>) =>
  Object.entries(j.counts ?? {})
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export async function runImport(file: string, opts: Opts): Promise<void> {
  if (opts.remoteFile !== undefined)
    throw new CliError('--remote-file names a file on an orca API: use it with --endpoint', 2);
  const catalog = loadCatalogFor(opts.catalog);
  let job: ReturnType<typeof parseImportJob>;
  try {
    const doc = readDocument(file) as Record<string, unknown>;
    if (opts.file && doc && typeof doc === 'object')
      doc.source = { ...(doc.source as Record<string, unknown>), file: opts.file };
    job = parseImportJob(doc, jobNameOf(file), catalog);
  } catch (e) {
    if (e instanceof ImportJobError) throw new CliError(e.message, 1);
    if (e instanceof UnreadableFileError) throw new CliError(e.message, 2);
    throw e;
  }
  const done = await withImports(opts, `orca import ${file}`, async (imports) => {
    const rec = await imports.create(job, 'cli');
    if (!opts.json) console.error(`job ${rec.id}: ${job.operation} ${job.source.file} into ${job.table}`);
    return imports.run(rec.id, 'cli', (j, stage) => {
      if (!opts.json) console.error(`  ${stage} done${j.counts ? ` (${counts(j)})` : ''}`);
    });
  });
  if (opts.json) console.log(jsonText(done));
  else {
    console.log(
      `job ${done.id}: ${done.status}${done.versionAfter !== undefined ? `, ${done.table} at version ${done.versionAfter}` : ''}`,
    );
    if (done.error) console.log(`  ${terminalText(done.error)}`);
  }
  if (done.status !== 'finished') process.exitCode = 1;
}

/** A subcommand's options with its parent's (`--data` given after `orca import` or `orca job`). */
const withParent = (opts: Opts, cmd?: { optsWithGlobals(): Opts }): Opts => ({ ...cmd?.optsWithGlobals(), ...opts });

export async function rollbackTable(
  tableName: string,
  version: string,
  own: Opts,
  cmd?: { optsWithGlobals(): Opts },
): Promise<void> {
  const opts = withParent(own, cmd);
  if (!/^\d+$/.test(version)) throw new CliError(`the version must be a number, got '${version}'`, 2);
  const v = await withImports(opts, 'orca import rollback', (i) => i.rollback(tableName, Number(version)));
  console.log(opts.json ? jsonText(v) : `${tableName} is now at version ${v.version} (${v.location})`);
}

export async function listJobs(opts: Opts): Promise<void> {
  if (opts.status && !(JOB_STATUSES as readonly string[]).includes(opts.status))
    throw new CliError(`unknown status '${opts.status}': use one of ${JOB_STATUSES.join(', ')}`, 2);
  const shown = await viaApiOrLocal<Array<Pick<JobRecord, 'id' | 'kind' | 'name' | 'table' | 'status' | 'createdAt'>>>(
    opts,
    (api) => api.ok('GET', `/jobs?limit=1000${opts.status ? `&status=${opts.status}` : ''}`),
    async () =>
      (await withImports(opts, 'orca jobs', (i) => i.store.listJobs())).filter(
        (j) => !opts.status || j.status === opts.status,
      ),
  );
  if (opts.json) return void console.log(jsonText(shown));
  console.log(
    table(
      ['id', 'kind', 'name', 'table', 'status', 'created'],
      shown.map((j) => [j.id, j.kind ?? 'import', j.name, j.table, j.status, j.createdAt]),
    ),
  );
}

const path = (id: string, more = '') => `/jobs/${encodeURIComponent(id)}${more}`;

export async function showJob(id: string, opts: Opts): Promise<void> {
  type Shown = { job: Pick<JobRecord, 'id' | 'name' | 'status' | 'error' | 'counts'>; journal: JournalEntry[] };
  const { job, journal } = await viaApiOrLocal<Shown>(
    opts,
    async (api) => ({ job: await api.ok('GET', path(id)), journal: await api.ok('GET', path(id, '/journal')) }),
    () =>
      withImports(opts, 'orca job', async (i) => {
        const job = await i.store.getJob(id);
        if (!job) throw new JobActionRefused(`no import job ${id}`, 'not_found');
        return { job, journal: await i.store.listJournal(id) };
      }),
  );
  if (opts.json) return void console.log(jsonText({ job, journal }));
  console.log(`${job.id} ${job.name}: ${job.status}${job.error ? ` (${terminalText(job.error)})` : ''}`);
  if (job.counts) console.log(`  ${counts(job)}`);
  for (const e of journal)
    console.log(
      `  ${e.at} ${e.kind}${e.stage ? ` ${e.stage}` : ''}: ${terminalText(e.message)}${e.durationMs !== undefined ? ` (${e.durationMs} ms)` : ''}`,
    );
}

const act =
  (what: 'pause' | 'resume' | 'cancel') => async (id: string, own: Opts, cmd?: { optsWithGlobals(): Opts }) => {
    const opts = withParent(own, cmd);
    const job = await viaApiOrLocal<Pick<JobRecord, 'id' | 'status'>>(
      opts,
      (api) => api.ok('POST', path(id, `/${what}`)),
      async () => jobView(await withImports(opts, `orca job ${what}`, (i) => i[what](id, 'cli'))),
    );
    console.log(opts.json ? jsonText(job) : `${job.id}: ${job.status}`);
  };
export const pause = act('pause');
export const resume = act('resume');
export const cancel = act('cancel');

/** Every reject over the API, in pages. */
async function allRejects(api: ApiClient, id: string): Promise<RejectRow[]> {
  const rows: RejectRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api.ok<{ rows: RejectRow[]; more: boolean }>(
      'GET',
      path(id, `/rejects?limit=1000&offset=${offset}`),
    );
    rows.push(...page.rows);
    if (!page.more) return rows;
  }
}

export async function showRejects(id: string, opts: Opts): Promise<void> {
  if (opts.csv && (opts.endpoint || !opts.data)) {
    const remote = await viaApiOrLocal<RejectRow[] | undefined>(
      opts,
      (api) => allRejects(api, id),
      async () => undefined,
    );
    if (remote) {
      process.stdout.write(
        `line,column,value,reason\n${remote.map((r) => `${[r.line, r.column, r.value, r.reason].map(csvField).join(',')}\n`).join('')}`,
      );
      return;
    }
  }
  if (opts.csv) {
    const dir = mkdtempSync(join(tmpdir(), 'orca-rejects-'));
    try {
      await withImports(opts, 'orca rejects', (i) => i.rejectsCsv(id, join(dir, 'rejects.csv')));
      process.stdout.write(readFileSync(join(dir, 'rejects.csv'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const limit = Number(opts.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new CliError(`--limit takes 1 to 1000, got '${opts.limit}'`, 2);
  const rows = await viaApiOrLocal<RejectRow[]>(
    opts,
    async (api) => (await api.ok<{ rows: RejectRow[] }>('GET', path(id, `/rejects?limit=${limit}`))).rows,
    () => withImports(opts, 'orca rejects', (i) => i.rejects(id, limit)),
  );
  if (opts.json) return void console.log(jsonText(rows));
  console.log(
    table(
      ['line', 'column', 'value', 'reason'],
      rows.map((r) => [String(r.line), String(r.column), String(r.value ?? ''), String(r.reason)]),
    ),
  );
}
