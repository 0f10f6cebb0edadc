/** The API's shapes as the console reads them (see GET /openapi.json). */
export type CampaignStatus = 'draft' | 'live' | 'scheduled' | 'archived';
export type RunStatus = 'running' | 'paused' | 'stopping' | 'completed' | 'failed' | 'stopped' | 'interrupted';
export type ActivityStatus =
  | 'pending'
  | 'running'
  | 'waiting'
  | 'needsAttention'
  | 'interrupted'
  | 'failed'
  | 'done'
  | 'skipped'
  | 'notRun';

export interface RunSummary {
  runId: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  error?: string;
  version?: number;
  testMode: boolean;
}

export interface CampaignView {
  id: string;
  label: string;
  status: CampaignStatus;
  version: number;
  changed: boolean;
  source: 'api' | 'code';
  trigger: string;
  dimension?: string;
  timezone: string;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  runInProgress: boolean;
  lastRun?: RunSummary & { counts?: { activities: number; done: number; failed: number } };
  lastFailure?: { runId: string; at: string; activity?: string };
  nextRun?: string;
}

export interface Issue {
  activity: string | null;
  path: string;
  message: string;
}

export interface Validation {
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
}

export interface ActivityDef {
  id: string;
  type: string;
  label?: string;
  [setting: string]: unknown;
}

export interface TransitionDef {
  id?: string;
  from: string;
  to: string;
  output?: string;
}

export interface Definition {
  id: string;
  label?: string;
  activities?: ActivityDef[];
  transitions?: TransitionDef[];
  [key: string]: unknown;
}

export interface CampaignDetail extends CampaignView {
  definition: Definition;
  validation: Validation;
}

export interface RunActivity {
  id: string;
  type: string;
  status: ActivityStatus;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  rows?: number;
  tasks?: number;
}

export interface RunTransition {
  id: string;
  from: string;
  output: string;
  to: string;
  rows: number;
  active: boolean;
}

export interface RunDetail extends RunSummary {
  campaignId: string;
  variables: Record<string, unknown>;
  pausedReason?: string;
  activities: RunActivity[];
  transitions: RunTransition[];
}

export interface LogEntry {
  id: string;
  at: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  activity?: string;
  message: string;
  sql?: string;
  durationMs?: number;
  rows?: number;
  actor?: string;
}

export interface TaskRecord {
  activityId: string;
  startedAt: string;
  endedAt?: string;
  status: 'running' | 'done' | 'failed' | 'skipped' | 'notRun';
  rows?: number;
  error?: string;
}

export interface Column {
  name: string;
  type: string;
}

export interface TransitionSchema {
  transition: string;
  from: string;
  output: string;
  to: string;
  active: boolean;
  rows: number;
  dimension: string | null;
  columns: Column[];
}

export interface TransitionRows {
  transition: string;
  total: number;
  limit: number;
  offset: number;
  columns: Column[];
  rows: Array<Record<string, unknown>>;
}

export interface Version {
  version: number;
  publishedAt: string;
  label: string;
  current: boolean;
}

export interface SchedulePreview {
  expression: string | null;
  timezone: string;
  launches: string[];
  warning?: string;
}

export interface ActivitySql {
  activity: string;
  type: string;
  sql: string | null;
}

export interface CountResult {
  activity: string;
  output: string;
  rows: number;
  notRun: Array<{ activity: string; reason: string }>;
}

/** One line of a channel report (lambdas/api/report-routes.ts, ReportLine). */
export interface ReportLine {
  targeted: number;
  excluded: Record<string, number> & { total: number };
  sent: number;
  failed: number;
  throttled: number;
  renderError: number;
  windowClosed: number;
  unknown: number;
  delivered: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  rates: Record<
    'deliveryRate' | 'bounceRate' | 'complaintRate' | 'openRate' | 'clickRate' | 'clickToOpenRate' | 'unsubscribeRate',
    number | null
  >;
}

export interface RunReport {
  campaignId: string;
  runId: string;
  activities: Array<ReportLine & { activityId: string }>;
  total: ReportLine;
}

/** A rendered proof sample (POST /runs/{runId}/activities/{activityId}/proof). */
export interface ProofSample {
  to: string;
  subject?: string;
  html?: string;
  text?: string;
  title?: string;
  body?: string;
  error?: string;
}
