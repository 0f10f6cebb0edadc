/**
 * The life cycle of campaigns and runs (DOMAIN.md §4), as one table: which command is allowed in
 * which state, and why not. The API answers 409 with this reason; the tests go through every pair.
 *
 * Campaigns: draft -> publish -> live (manual, asap, signal triggers) or scheduled -> archived.
 * Changing a published campaign edits its working copy; publishing it makes a new version; runs in
 * progress finish on their own version. Runs: running <-> paused -> completed | failed | stopped.
 * Activities: pending -> running (waiting, needsAttention) -> done | failed | interrupted; skipped
 * (its branch was not taken, or it is disabled) and notRun (its run ended, stopped, failed or
 * interrupted, before it started) for those that never start.
 */
export const CAMPAIGN_STATUSES = ['draft', 'live', 'scheduled', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_COMMANDS = ['update', 'publish', 'duplicate', 'archive', 'delete', 'start', 'startTest'] as const;
export type CampaignCommand = (typeof CAMPAIGN_COMMANDS)[number];

export const RUN_STATUSES = ['running', 'paused', 'stopping', 'completed', 'failed', 'stopped', 'interrupted'] as const;
export type RunState = (typeof RUN_STATUSES)[number];

export const ACTIVITY_STATUSES = [
  'pending',
  'running',
  'waiting',
  'needsAttention',
  /** It was running when the process running its run ended (a crash, kill -9). */
  'interrupted',
  'failed',
  'done',
  /** Its branch was not taken (no inbound transition ran), or it is disabled. */
  'skipped',
  /** Its run ended (stopped, failed or interrupted) before it started. */
  'notRun',
] as const;
export type ActivityState = (typeof ACTIVITY_STATUSES)[number];

/** How a status reads to people (CLI, README): the status itself but for `notRun`, "not run". */
export const statusLabel = (status: string): string => (status === 'notRun' ? 'not run' : status);

/** A run that may still start activities or be controlled. */
export const isInProgress = (status: string): boolean =>
  status === 'running' || status === 'paused' || status === 'stopping';
/** A run that is over: completed, failed, stopped, or interrupted (the process running it ended first). */
export const hasEnded = (status: string): boolean =>
  status === 'completed' || status === 'failed' || status === 'stopped' || status === 'interrupted';

export const RUN_COMMANDS = ['pause', 'resume', 'stop', 'restart'] as const;
export type RunCommand = (typeof RUN_COMMANDS)[number];

/** undefined when allowed; else why not. `runInProgress`: the campaign has a running or paused run. */
export function campaignCommandRefusal(
  command: CampaignCommand,
  status: CampaignStatus,
  runInProgress: boolean,
): string | undefined {
  const archived = status === 'archived' ? 'the campaign is archived; duplicate it to work on it again' : undefined;
  switch (command) {
    case 'duplicate':
      return undefined;
    case 'update':
    case 'publish':
      return archived;
    case 'archive':
      if (status === 'archived') return 'the campaign is already archived';
      return runInProgress ? 'a run is in progress; stop it or wait for it to end before archiving' : undefined;
    case 'delete':
      return runInProgress
        ? 'a run is in progress; stop it or wait for it to end before deleting the campaign'
        : undefined;
    case 'start':
      if (status === 'draft') return 'the campaign is a draft: publish it first, or start it in test mode';
      return archived;
    case 'startTest':
      return archived;
  }
}

export function runCommandRefusal(command: RunCommand, status: RunState): string | undefined {
  switch (command) {
    case 'pause':
      return status === 'running' ? undefined : `the run is ${status}; only a running run can be paused`;
    case 'resume':
      return status === 'paused'
        ? undefined
        : status === 'stopped'
          ? 'a stopped run cannot be resumed; restart the campaign'
          : `the run is ${status}; only a paused run can be resumed`;
    case 'stop':
      // Again while stopping: when cancelling failed the first time.
      return status === 'running' || status === 'paused' || status === 'stopping'
        ? undefined
        : `the run is ${status}; it is not in progress`;
    case 'restart':
      return status === 'stopping' ? 'the run is stopping; wait until it has stopped' : undefined;
  }
}

/** A published campaign's status follows its trigger. */
export function publishedStatus(trigger: { type: string }): CampaignStatus {
  return ['manual', 'asap', 'signal'].includes(trigger.type) ? 'live' : 'scheduled';
}
