/**
 * How statuses read in the console: never by colour alone. Each status light has a tone (its
 * colour), an icon and a text; a campaign with a run in progress reads running or paused.
 */
import type { ActivityStatus, CampaignView, RunStatus } from './types.js';

export type Tone = 'pending' | 'running' | 'attention' | 'error' | 'done' | 'skipped';

export interface Light {
  tone: Tone;
  icon: string;
  text: string;
}

const LIGHTS: Record<ActivityStatus, Light> = {
  pending: { tone: 'pending', icon: '○', text: 'pending' },
  running: { tone: 'running', icon: '▶', text: 'running' },
  waiting: { tone: 'running', icon: '◔', text: 'waiting' },
  needsAttention: { tone: 'attention', icon: '⚠', text: 'needs attention' },
  interrupted: { tone: 'error', icon: '✖', text: 'interrupted' },
  failed: { tone: 'error', icon: '✖', text: 'error' },
  done: { tone: 'done', icon: '✔', text: 'done' },
  skipped: { tone: 'skipped', icon: '↷', text: 'skipped' },
  notRun: { tone: 'skipped', icon: '–', text: 'not run' },
};

/** The light of an activity; without a run, every activity is pending. */
export function activityLight(status: ActivityStatus | undefined): Light {
  return LIGHTS[status ?? 'pending'] ?? LIGHTS.pending;
}

export const isActive = (status: RunStatus | undefined): boolean =>
  status === 'running' || status === 'paused' || status === 'stopping';

export type DisplayStatus = CampaignView['status'] | 'running' | 'paused';

/** The campaign's status in the list: its life-cycle status, or running/paused while a run is in progress. */
export function campaignStatus(c: Pick<CampaignView, 'status' | 'runInProgress' | 'lastRun'>): DisplayStatus {
  if (!c.runInProgress) return c.status;
  return c.lastRun?.status === 'paused' ? 'paused' : 'running';
}

export const CAMPAIGN_STATUS_ICONS: Record<DisplayStatus, string> = {
  draft: '✎',
  live: '●',
  scheduled: '◷',
  archived: '▣',
  running: '▶',
  paused: '‖',
};

const RUN_OUTCOMES: Record<RunStatus, string> = {
  running: '▶ running',
  paused: '‖ paused',
  stopping: '■ stopping',
  completed: '✔ completed',
  failed: '✖ failed',
  stopped: '■ stopped',
  interrupted: '✖ interrupted',
};

export const runOutcome = (status: RunStatus): string => RUN_OUTCOMES[status] ?? status;

/** Symbols every system font has (no emoji: a headless or locked-down browser may lack them). */
const TYPE_ICONS: Record<string, string> = {
  buildAudience: '◎',
  readAudience: '⇩',
  saveAudience: '⇧',
  loadFile: '▤',
  incrementalQuery: '↻',
  changeDimension: '⇄',
  combine: '∪',
  deduplication: '≡',
  enrichment: '⊕',
  reconciliation: '⇌',
  split: '÷',
  fork: '⋔',
  andJoin: '⋈',
  wait: '◷',
  alert: '⚑',
  email: '✉',
  sms: '☏',
  push: '⇪',
  end: '■',
};

export const typeIcon = (type: string): string => TYPE_ICONS[type] ?? '◆';

/** Which run commands apply to a run in this state. */
export function runCommands(status: RunStatus | undefined): {
  pause: boolean;
  resume: boolean;
  stop: boolean;
  restart: boolean;
} {
  return {
    pause: status === 'running',
    resume: status === 'paused',
    stop: status === 'running' || status === 'paused',
    restart: status !== undefined && status !== 'stopping',
  };
}
