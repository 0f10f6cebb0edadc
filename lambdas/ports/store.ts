/**
 * The status and log store: campaigns, runs, activity and transition records, logs, tasks, saved
 * audiences and incremental-query memory. One DynamoDB repository implements it for both
 * deployments (dynalite on loopback locally).
 */
import type { HistoryEntry, Population, SavedAudience } from '../sql/population.js';
import {
  ACTIVITY_STATUSES,
  type ActivityState,
  type CampaignStatus,
  type RunState,
} from '../../statemachines/lifecycle.js';

export type RunStatus = RunState;
export { ACTIVITY_STATUSES };
export type ActivityStatus = ActivityState;
/** skipped: its branch was not taken; notRun: its run was ending (stopped, failing) when it was to start. */
export const TASK_STATUSES = ['running', 'done', 'failed', 'skipped', 'notRun'] as const;
/** In increasing order of importance. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RunRecord {
  runId: string;
  campaignId: string;
  campaignLabel?: string;
  /** The campaign version the run runs (0: a test run of the working copy). */
  version?: number;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  testMode: boolean;
  variables: Record<string, unknown>;
  trigger?: string;
  error?: string;
  /** Why the run is paused: a user, a breakpoint, a suspended activity. */
  pausedReason?: string;
  consecutiveErrors?: number;
  /** Set when the error policy ends the run: no new activity starts; running ones finish. */
  aborting?: boolean;
  /** Its work tables were removed after the retention period. */
  purged?: boolean;
  /** Execution handle (ARN in the cloud). */
  execution?: string;
  /** How many activities the run has (set when they are recorded), and how many are done and failed (kept by updateActivity). */
  activityCount?: number;
  doneCount?: number;
  failedCount?: number;
  /** The first of its activities that failed (kept by updateActivity). */
  failedActivity?: string;
}

export interface ActivityRecord {
  activityId: string;
  type: string;
  label?: string;
  status: ActivityStatus;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  tasks?: number;
  attempts?: number;
  rows?: number;
  /** A channel activity: when its sending started (after the confirmation); its sending window counts from it. */
  sendingSince?: string;
}

export interface TransitionRecord {
  transitionId: string;
  from: string;
  /** The transition's source output (may differ from population.output when a flow-control activity forwards). */
  output: string;
  to: string;
  /** False when the transition did not carry on (branch not taken, skipped, empty with skip-if-empty). */
  active: boolean;
  /** What it carries; null when it carries no population (inactive, or control flow only). */
  population: Population | null;
  at: string;
}

export interface LogEntry {
  at: string;
  level: LogLevel;
  activity?: string;
  message: string;
  sql?: string;
  durationMs?: number;
  rows?: number;
  /** Who did it: 'orca', or a user for commands. */
  actor?: string;
}

export interface TaskRecord {
  activityId: string;
  startedAt: string;
  endedAt?: string;
  status: (typeof TASK_STATUSES)[number];
  rows?: number;
  error?: string;
}

/** A saved audience: the population a Save audience activity stored under a name. */
export type AudienceRecord = SavedAudience;

export type { HistoryEntry } from '../sql/population.js';

export interface CampaignRecord {
  id: string;
  label: string;
  status: CampaignStatus;
  /** The working copy: what PUT edits and publish validates (a draft may have errors). */
  definition: unknown;
  /** Number of published versions (0: never published). */
  version: number;
  /** The working copy differs from the last published version. */
  changed: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  /** 'api' (published through the API) or 'code' (deployed with cdk deploy). */
  source: 'api' | 'code';
  /** Bumped by every write; writes are conditional on it. */
  revision: number;
}

/** A campaign as lists show it: its record without its definition, with the few fields of it they show. */
export interface CampaignHead extends Omit<CampaignRecord, 'definition'> {
  /** The working copy's trigger type, dimension and time zone (when they are strings). */
  trigger?: string;
  dimension?: string;
  timezone?: string;
}

/** The fields of a definition a campaign's head keeps. */
export const HEAD_FIELDS = { trigger: ['trigger', 'type'], dimension: ['dimension'], timezone: ['timezone'] } as const;

/** A campaign's head, from its record (or from the fields of its definition a store read). */
export function campaignHead(c: CampaignRecord): CampaignHead {
  const { definition, ...head } = c;
  const out: CampaignHead = head;
  for (const [field, path] of Object.entries(HEAD_FIELDS) as Array<[keyof typeof HEAD_FIELDS, readonly string[]]>) {
    const value = path.reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      definition,
    );
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

export interface VersionRecord {
  campaignId: string;
  version: number;
  definition: unknown;
  publishedAt: string;
  /** The deployed state machine (version) of this campaign version, in the cloud. */
  machine?: string;
}

/**
 * The runs in progress of one campaign, as its run register holds them (one item per campaign,
 * written only with conditional writes): every run takes a place in it when it starts and gives it
 * back when it ends; a run of a campaign that keeps state between runs holds it alone
 * (`exclusive`); a deletion closes it for good (`deleting`).
 */
export interface CampaignRuns {
  running: string[];
  exclusive?: string;
  deleting?: boolean;
}

/** A register with the runs it points at: the campaign's newest run (by start time) and its newest failed run, kept by createRun and updateRun. */
export interface CampaignRunsView extends CampaignRuns {
  lastRun?: string;
  lastFailed?: string;
}

/** What claiming a place in the register gave: refused when closed by a deletion, or busy. */
export type RunClaim =
  | { ok: true }
  | { ok: false; reason: 'deleted' }
  | { ok: false; reason: 'busy'; holders: string[] };

export interface StatusStore {
  /** Creates (expectRevision undefined: must not exist) or replaces a campaign at a revision. */
  putCampaign(record: CampaignRecord, expectRevision?: number): Promise<boolean>;
  getCampaign(id: string): Promise<CampaignRecord | undefined>;
  listCampaigns(): Promise<CampaignRecord[]>;
  /** Every campaign's head: what a list shows, without reading their definitions. */
  listCampaignHeads(): Promise<CampaignHead[]>;
  deleteCampaign(id: string): Promise<void>;
  /** Records a version (replacing what a failed publication of the same number left). */
  putVersion(record: VersionRecord): Promise<void>;
  getVersion(campaignId: string, version: number): Promise<VersionRecord | undefined>;
  /** Several versions at once (those that exist), keyed `campaignId#version`. */
  getVersions(refs: Array<{ campaignId: string; version: number }>): Promise<Map<string, VersionRecord>>;

  /** Records the compiled settings of a run's activities (the campaign plan, encoded: a string under 256 KB). */
  putPlan(runId: string, plan: string): Promise<void>;
  getPlan(runId: string): Promise<string | undefined>;

  /**
   * Takes a place for a run in its campaign's register, in one conditional write: refused when a
   * deletion closed it, or (exclusive) when another run is in progress, or when an exclusive run
   * holds it. Claiming again for the same run is allowed.
   */
  claimRun(campaignId: string, runId: string, exclusive: boolean): Promise<RunClaim>;
  /** Gives a run's place back (nothing when it holds none). */
  releaseRun(campaignId: string, runId: string): Promise<void>;
  campaignRuns(campaignId: string): Promise<CampaignRuns>;
  /** Closes the register for a deletion, in one conditional write: refused (with the runs) while runs hold it. */
  closeForDeletion(campaignId: string): Promise<{ ok: true } | { ok: false; running: string[] }>;
  /** Opens the register of a campaign created again under the id of a deleted one. */
  reopenRuns(campaignId: string): Promise<void>;
  /** The registers of every campaign that has runs (or of one), with the runs they point at, by campaign id, in one read. */
  listCampaignRuns(campaignId?: string): Promise<Map<string, CampaignRunsView>>;

  createRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Several runs at once, by id (those that exist). */
  getRuns(runIds: string[]): Promise<Map<string, RunRecord>>;
  /** Updates fields of a run; with `onlyIf`, only when its status is one of those (false otherwise). */
  updateRun(runId: string, patch: Partial<RunRecord>, onlyIf?: RunStatus[]): Promise<boolean>;
  /** Adds n to the run's consecutive error count and returns the new count; n = 0 resets it. */
  countError(runId: string, n: 0 | 1): Promise<number>;
  listRuns(campaignId: string, limit?: number): Promise<RunRecord[]>;
  /** The most recent runs of every campaign, newest first. */
  recentRuns(limit?: number): Promise<RunRecord[]>;

  putActivities(runId: string, records: ActivityRecord[]): Promise<void>;
  updateActivity(
    runId: string,
    activityId: string,
    patch: Partial<ActivityRecord> & { addTasks?: number; addAttempts?: number },
  ): Promise<ActivityRecord>;
  listActivities(runId: string): Promise<ActivityRecord[]>;

  putTransitions(runId: string, records: TransitionRecord[]): Promise<void>;
  getTransitions(runId: string, ids: string[]): Promise<Map<string, TransitionRecord>>;
  listTransitions(runId: string): Promise<TransitionRecord[]>;

  log(runId: string, entries: LogEntry | LogEntry[]): Promise<void>;
  listLogs(runId: string, options?: { after?: string }): Promise<Array<LogEntry & { id: string }>>;

  putTask(runId: string, task: TaskRecord): Promise<void>;
  /** Writes transitions, a task and log entries of a run in as few requests as possible. */
  putMany(
    runId: string,
    items: { transitions?: TransitionRecord[]; tasks?: TaskRecord[]; logs?: LogEntry[] },
  ): Promise<void>;
  listTasks(runId: string): Promise<TaskRecord[]>;

  getAudience(name: string): Promise<AudienceRecord | undefined>;
  /** Points the audience at a new version, in one write. */
  putAudience(record: AudienceRecord): Promise<void>;

  getHistory(campaignId: string, activityId: string): Promise<{ lastRunAt?: string; entries: HistoryEntry[] }>;
  addHistory(campaignId: string, activityId: string, entry: HistoryEntry | undefined, lastRunAt: string): Promise<void>;
}

/** Task tokens of gates parked while a run is paused (cloud), replayed on resume. */
export interface ParkingStore {
  park(p: import('./control.js').Parking): Promise<void>;
  parked(runId: string): Promise<Array<import('./control.js').Parking>>;
  /** Removes one parking; false when it was already taken (by a concurrent resume). */
  unpark(runId: string, activityId: string): Promise<boolean>;
}
