/**
 * An in-memory StatusStore that behaves like the DynamoDB one (lambdas/adapters/dynamodb-store.ts):
 * undefined fields are removed, conditional writes answer false (or throw, for createRun), counters
 * add, lists come back in the table's key order (activities by id, runs newest first, logs in the
 * order written with their ids), and every record is checked on write with the adapter's own
 * readers, so a step that writes a malformed record fails here as it would on the real table.
 * Records are copied in and out: a test cannot change the store through what it read.
 */
import { keys, runIndexKeys } from '../../../lambdas/adapters/dynamodb-keys.js';
import { read } from '../../../lambdas/adapters/dynamodb-records.js';
import type {
  ActivityRecord,
  AudienceRecord,
  CampaignHead,
  CampaignRecord,
  CampaignRuns,
  CampaignRunsView,
  HistoryEntry,
  RunClaim,
  LogEntry,
  RunRecord,
  RunStatus,
  StatusStore,
  TaskRecord,
  TransitionRecord,
  VersionRecord,
} from '../../../lambdas/ports/store.js';
import { campaignHead } from '../../../lambdas/ports/store.js';

/** What DynamoDB keeps of a record: its defined fields (the marshaller removes undefined values). */
function defined<T extends object>(record: T): T {
  return structuredClone(Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))) as T;
}

/** A record as the adapter would read it back: checked, named by its key when it does not match. */
function checked<T>(reader: (item: Record<string, unknown>) => T, key: object, record: object): T {
  return reader({ ...key, ...defined(record) });
}

const copy = <T>(x: T): T => structuredClone(x);

/** The map of a run's items of one kind, created on first use. */
function partition<V>(maps: Map<string, Map<string, V>>, runId: string): Map<string, V> {
  const existing = maps.get(runId);
  if (existing) return existing;
  const m = new Map<string, V>();
  maps.set(runId, m);
  return m;
}

const sortedValues = <V>(m: Map<string, V> | undefined): V[] =>
  [...(m ?? new Map<string, V>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => copy(v));

export class MemoryStore implements StatusStore {
  readonly campaigns = new Map<string, CampaignRecord>();
  readonly versions = new Map<string, VersionRecord>();
  readonly runs = new Map<string, RunRecord>();
  readonly plans = new Map<string, string>();
  readonly activities = new Map<string, Map<string, ActivityRecord>>();
  readonly transitions = new Map<string, Map<string, TransitionRecord>>();
  readonly logs = new Map<string, Map<string, LogEntry>>();
  readonly tasks = new Map<string, Map<string, TaskRecord>>();
  readonly audiences = new Map<string, AudienceRecord>();
  readonly histories = new Map<string, { lastRunAt?: string; entries: Map<string, HistoryEntry> }>();
  private logSeq = 0;

  async putCampaign(record: CampaignRecord, expectRevision?: number): Promise<boolean> {
    const existing = this.campaigns.get(record.id);
    if (expectRevision === undefined ? existing : existing?.revision !== expectRevision) return false;
    this.campaigns.set(record.id, checked(read.campaign, keys.campaign(record.id), record));
    return true;
  }

  async getCampaign(id: string): Promise<CampaignRecord | undefined> {
    const c = this.campaigns.get(id);
    return c && copy(c);
  }

  async listCampaigns(): Promise<CampaignRecord[]> {
    return sortedValues(this.campaigns);
  }

  async listCampaignHeads(): Promise<CampaignHead[]> {
    return sortedValues(this.campaigns).map(campaignHead);
  }

  async deleteCampaign(id: string): Promise<void> {
    this.campaigns.delete(id);
    for (const [k, v] of this.versions) if (v.campaignId === id) this.versions.delete(k);
    const r = this.registers.get(id);
    if (r) for (const f of ['lastRun', 'lastFailed', 'listed'] as const) delete r[f];
  }

  /** The run registers, as the table's conditional writes keep them (see DynamoDbStore.claimRun). */
  readonly registers = new Map<
    string,
    {
      running: Set<string>;
      exclusive?: string;
      deleting?: boolean;
      lastRun?: string;
      lastFailed?: string;
      listed?: true;
    }
  >();

  /** Points the register at a run unless it points at a newer one (see DynamoDbStore.pointAt). */
  private pointAt(field: 'lastRun' | 'lastFailed', run: RunRecord): void {
    const r = this.registerOf(run.campaignId);
    const current = r[field] ? this.runs.get(r[field]) : undefined;
    const key = (x: RunRecord) => `${x.startedAt}#${x.runId}`;
    if (current && key(current) > key(run)) return;
    r[field] = run.runId;
    r.listed = true;
  }

  async listCampaignRuns(campaignId?: string): Promise<Map<string, CampaignRunsView>> {
    const out = new Map<string, CampaignRunsView>();
    for (const [id, r] of this.registers)
      if (campaignId === undefined ? r.listed : id === campaignId)
        out.set(id, {
          ...(await this.campaignRuns(id)),
          ...(r.lastRun ? { lastRun: r.lastRun } : {}),
          ...(r.lastFailed ? { lastFailed: r.lastFailed } : {}),
        });
    return out;
  }

  private registerOf(campaignId: string) {
    const r = this.registers.get(campaignId) ?? { running: new Set<string>() };
    this.registers.set(campaignId, r);
    return r;
  }

  async claimRun(campaignId: string, runId: string, exclusive: boolean): Promise<RunClaim> {
    const r = this.registerOf(campaignId);
    if (r.deleting) return { ok: false, reason: 'deleted' };
    const others = [...r.running].filter((x) => x !== runId).sort();
    if ((r.exclusive !== undefined && r.exclusive !== runId) || (exclusive && others.length))
      return { ok: false, reason: 'busy', holders: others };
    r.running.add(runId);
    if (exclusive) r.exclusive = runId;
    return { ok: true };
  }

  async releaseRun(campaignId: string, runId: string): Promise<void> {
    const r = this.registers.get(campaignId);
    if (!r) return;
    r.running.delete(runId);
    if (r.exclusive === runId) delete r.exclusive;
  }

  async campaignRuns(campaignId: string): Promise<CampaignRuns> {
    const r = this.registers.get(campaignId);
    return {
      running: [...(r?.running ?? [])].sort(),
      ...(r?.exclusive ? { exclusive: r.exclusive } : {}),
      ...(r?.deleting ? { deleting: true } : {}),
    };
  }

  async closeForDeletion(campaignId: string): Promise<{ ok: true } | { ok: false; running: string[] }> {
    const r = this.registerOf(campaignId);
    if (r.running.size) return { ok: false, running: [...r.running].sort() };
    r.deleting = true;
    return { ok: true };
  }

  async reopenRuns(campaignId: string): Promise<void> {
    const r = this.registers.get(campaignId);
    if (r) delete r.deleting;
  }

  async putVersion(record: VersionRecord): Promise<void> {
    const key = keys.version(record.campaignId, record.version);
    this.versions.set(`${key.pk}/${key.sk}`, checked(read.version, key, record));
  }

  async getVersion(campaignId: string, version: number): Promise<VersionRecord | undefined> {
    const key = keys.version(campaignId, version);
    const v = this.versions.get(`${key.pk}/${key.sk}`);
    return v && copy(v);
  }

  async getVersions(refs: Array<{ campaignId: string; version: number }>): Promise<Map<string, VersionRecord>> {
    const out = new Map<string, VersionRecord>();
    for (const r of refs) {
      const v = await this.getVersion(r.campaignId, r.version);
      if (v) out.set(`${r.campaignId}#${r.version}`, v);
    }
    return out;
  }

  async putPlan(runId: string, plan: string): Promise<void> {
    this.plans.set(runId, plan);
  }

  async getPlan(runId: string): Promise<string | undefined> {
    return this.plans.get(runId);
  }

  async createRun(run: RunRecord): Promise<void> {
    if (this.runs.has(run.runId)) throw new Error(`ConditionalCheckFailedException: run ${run.runId} exists`);
    this.runs.set(run.runId, checked(read.run, keys.run(run.runId), run));
    this.pointAt('lastRun', run);
    if (run.status === 'failed') this.pointAt('lastFailed', run);
  }

  async getRuns(runIds: string[]): Promise<Map<string, RunRecord>> {
    const out = new Map<string, RunRecord>();
    for (const id of runIds) {
      const r = this.runs.get(id);
      if (r) out.set(id, copy(r));
    }
    return out;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = this.runs.get(runId);
    return r && copy(r);
  }

  async updateRun(runId: string, patch: Partial<RunRecord>, onlyIf?: RunStatus[]): Promise<boolean> {
    const { runId: _, ...fields } = patch;
    if (!Object.keys(fields).length) return true;
    const run = this.runs.get(runId);
    if (!run || (onlyIf && !onlyIf.includes(run.status))) return false;
    const next = checked(read.run, keys.run(runId), { ...run, ...fields });
    this.runs.set(runId, next);
    if (fields.status === 'failed') this.pointAt('lastFailed', next);
    return true;
  }

  async countError(runId: string, n: 0 | 1): Promise<number> {
    const run = this.runs.get(runId);
    const count = n === 0 ? 0 : (run?.consecutiveErrors ?? 0) + 1;
    if (run) run.consecutiveErrors = count;
    return count;
  }

  /** Runs sorted as the indexes sort them: by start time, then id, newest first. */
  private newestFirst(runs: Iterable<RunRecord>, limit: number): RunRecord[] {
    const sk = (r: RunRecord) => runIndexKeys(r).gsi2sk;
    return [...runs]
      .sort((a, b) => (sk(a) < sk(b) ? 1 : sk(a) > sk(b) ? -1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  async listRuns(campaignId: string, limit = 50): Promise<RunRecord[]> {
    return this.newestFirst(
      [...this.runs.values()].filter((r) => r.campaignId === campaignId),
      limit,
    );
  }

  async recentRuns(limit = 20): Promise<RunRecord[]> {
    return this.newestFirst(this.runs.values(), limit);
  }

  async putActivities(runId: string, records: ActivityRecord[]): Promise<void> {
    const m = partition(this.activities, runId);
    for (const r of records) m.set(r.activityId, checked(read.activity, keys.activity(runId, r.activityId), r));
    const run = this.runs.get(runId);
    if (run) {
      run.activityCount = records.length;
      run.doneCount = records.filter((r) => r.status === 'done').length;
      run.failedCount = records.filter((r) => r.status === 'failed').length;
      const failed = records.find((r) => r.status === 'failed');
      if (failed) run.failedActivity = failed.activityId;
    }
  }

  /** An upsert, as DynamoDB's UpdateItem: an activity never put fails the record check (no type, no status). */
  async updateActivity(
    runId: string,
    activityId: string,
    patch: Partial<ActivityRecord> & { addTasks?: number; addAttempts?: number },
  ): Promise<ActivityRecord> {
    const { addTasks, addAttempts, ...fields } = patch;
    const m = partition(this.activities, runId);
    const current: Partial<ActivityRecord> = m.get(activityId) ?? {};
    const next: Record<string, unknown> = { ...current, activityId };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (addTasks) next.tasks = (current.tasks ?? 0) + addTasks;
    if (addAttempts) next.attempts = (current.attempts ?? 0) + addAttempts;
    const record = checked(read.activity, keys.activity(runId, activityId), next);
    m.set(activityId, record);
    // The run's counts, as DynamoDbStore.countActivity keeps them.
    const run = this.runs.get(runId);
    const delta = (s: string) => (record.status === s ? 1 : 0) - (current.status === s ? 1 : 0);
    if (run && (delta('done') || delta('failed'))) {
      run.doneCount = (run.doneCount ?? 0) + delta('done');
      run.failedCount = (run.failedCount ?? 0) + delta('failed');
      if (delta('failed') > 0) run.failedActivity ??= activityId;
    }
    return copy(record);
  }

  async listActivities(runId: string): Promise<ActivityRecord[]> {
    return sortedValues(this.activities.get(runId));
  }

  async putTransitions(runId: string, records: TransitionRecord[]): Promise<void> {
    const m = partition(this.transitions, runId);
    for (const r of records) m.set(r.transitionId, checked(read.transition, keys.transition(runId, r.transitionId), r));
  }

  async getTransitions(runId: string, ids: string[]): Promise<Map<string, TransitionRecord>> {
    const m = this.transitions.get(runId);
    const out = new Map<string, TransitionRecord>();
    for (const id of ids) {
      const t = m?.get(id);
      if (t) out.set(id, copy(t));
    }
    return out;
  }

  async listTransitions(runId: string): Promise<TransitionRecord[]> {
    return sortedValues(this.transitions.get(runId));
  }

  async log(runId: string, entries: LogEntry | LogEntry[]): Promise<void> {
    const m = partition(this.logs, runId);
    for (const e of Array.isArray(entries) ? entries : [entries]) {
      const id = `${e.at}#mem#${String(++this.logSeq).padStart(9, '0')}`;
      m.set(id, checked(read.log, { pk: keys.run(runId).pk, sk: `LOG#${id}` }, e));
    }
  }

  async listLogs(runId: string, options: { after?: string } = {}): Promise<Array<LogEntry & { id: string }>> {
    const after = options.after;
    return [...(this.logs.get(runId) ?? new Map<string, LogEntry>()).entries()]
      .filter(([id]) => after === undefined || id > after)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, e]) => ({ id, ...copy(e) }));
  }

  async putTask(runId: string, task: TaskRecord): Promise<void> {
    const key = keys.task(runId, task.startedAt, task.activityId);
    partition(this.tasks, runId).set(key.sk, checked(read.task, key, task));
  }

  async putMany(
    runId: string,
    items: { transitions?: TransitionRecord[]; tasks?: TaskRecord[]; logs?: LogEntry[] },
  ): Promise<void> {
    await this.putTransitions(runId, items.transitions ?? []);
    for (const t of items.tasks ?? []) await this.putTask(runId, t);
    await this.log(runId, items.logs ?? []);
  }

  async listTasks(runId: string): Promise<TaskRecord[]> {
    return sortedValues(this.tasks.get(runId));
  }

  async getAudience(name: string): Promise<AudienceRecord | undefined> {
    const a = this.audiences.get(name);
    return a && copy(a);
  }

  async putAudience(record: AudienceRecord): Promise<void> {
    this.audiences.set(record.name, checked(read.audience, keys.audience(record.name), record));
  }

  async getHistory(campaignId: string, activityId: string): Promise<{ lastRunAt?: string; entries: HistoryEntry[] }> {
    const h = this.histories.get(`${campaignId}#${activityId}`);
    if (!h) return { entries: [] };
    return { ...(h.lastRunAt ? { lastRunAt: h.lastRunAt } : {}), entries: sortedValues(h.entries) };
  }

  async addHistory(
    campaignId: string,
    activityId: string,
    entry: HistoryEntry | undefined,
    lastRunAt: string,
  ): Promise<void> {
    const k = `${campaignId}#${activityId}`;
    const h = this.histories.get(k) ?? { entries: new Map<string, HistoryEntry>() };
    if (entry) {
      const key = keys.history(campaignId, activityId, entry.runId);
      h.entries.set(key.sk, checked(read.history, key, entry));
    }
    h.lastRunAt = lastRunAt;
    this.histories.set(k, h);
  }

  // -- for tests: a look at what was written, without going through the interface

  /** A run's record; throws when there is none. */
  run(runId: string): RunRecord {
    const r = this.runs.get(runId);
    if (!r) throw new Error(`no run ${runId} in the store`);
    return copy(r);
  }

  /** An activity's record; throws when there is none. */
  activity(runId: string, activityId: string): ActivityRecord {
    const a = this.activities.get(runId)?.get(activityId);
    if (!a) throw new Error(`no activity ${activityId} in run ${runId}`);
    return copy(a);
  }

  /** A transition's record, or undefined when none was written. */
  transition(runId: string, transitionId: string): TransitionRecord | undefined {
    const t = this.transitions.get(runId)?.get(transitionId);
    return t && copy(t);
  }
}
