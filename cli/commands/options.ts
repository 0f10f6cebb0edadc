/** The options of each command, shared by its registration (cheap) and its action (loaded when it runs). */

export interface CompileCommandOptions {
  catalog?: string;
  out?: string;
}

export interface CostCommandOptions {
  profiles: number;
  /** An import job: lines of its file (when the file is not in the data folder). */
  lines?: number;
  catalog?: string;
  data?: string;
  smsPrice?: number;
  json?: boolean;
}

export interface CountCommandOptions {
  activity: string;
  output?: string;
  data?: string;
  catalog?: string;
  var?: string[];
  json?: boolean;
}

export interface DemoCommandOptions {
  profiles: number;
  data?: string;
}

export interface GenerateCommandOptions {
  profiles: number;
  seed: number;
  asOf?: string;
  data?: string;
  json?: boolean;
}

export interface LogsCommandOptions {
  endpoint?: string;
  data?: string;
  activity?: string;
  level: string;
  search?: string;
  follow?: boolean;
  sql?: boolean;
  json?: boolean;
}

export interface CampaignsCommandOptions {
  endpoint?: string;
  status?: string;
  search?: string;
  json?: boolean;
}

export interface PublishCommandOptions {
  endpoint?: string;
  json?: boolean;
}

export interface StartCommandOptions {
  endpoint?: string;
  var?: string[];
  test?: boolean;
  wait?: boolean;
  json?: boolean;
}

export interface PreviewCommandOptions {
  endpoint?: string;
  limit: number;
  offset: number;
  json?: boolean;
}

export const RUN_COMMANDS = ['pause', 'resume', 'stop', 'restart'] as const;
export type RunCommand = (typeof RUN_COMMANDS)[number];

export interface RunCommandOptions {
  data?: string;
  catalog?: string;
  json?: boolean;
  test?: boolean;
  var?: string[];
  /** Email over this SMTP server (default $ORCA_SMTP_URL, else the outbox folder). */
  smtp?: string;
}

export interface ServeCommandOptions {
  port: number;
  host: string;
  data?: string;
  catalog?: string;
  quiet?: boolean;
  smtp?: string;
  /** MB. */
  uploadLimit?: number;
}

export interface SqlCommandOptions {
  activity: string;
  dialect: string;
  catalog?: string;
  data?: string;
  database: string;
}

export interface StatusCommandOptions {
  endpoint?: string;
  data?: string;
  json?: boolean;
  limit: number;
}

export interface ValidateCommandOptions {
  catalog?: string;
  json?: boolean;
}

export interface DoctorCommandOptions {
  endpoint?: string;
  catalog?: string;
  region?: string;
  workgroup: string;
  database: string;
  bucket?: string;
  emailIdentity?: string;
  emailConfigurationSet?: string;
  smsIdentity?: string;
  smsConfigurationSet?: string;
  pushApplication?: string;
  json?: boolean;
}

export interface ReportCommandOptions {
  endpoint?: string;
  data?: string;
  json?: boolean;
}

export interface OutboxCommandOptions {
  show?: string;
  data?: string;
  json?: boolean;
}
