/**
 * The campaign service behind the HTTP API, the same in the cloud and in `orca serve`: the life
 * cycle (create, edit, publish, archive, duplicate, delete), runs (start, pause, resume, stop,
 * restart) and their monitoring (status, logs, tasks, transitions' schema and rows), the schedule
 * preview and the purge of old work tables. What differs per deployment is behind `Platform`.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { QueryEngine } from '../ports/engine.js';
import {
  campaignHead,
  type CampaignHead,
  type CampaignRecord,
  type CampaignRunsView,
  type LogEntry,
  type RunRecord,
  type StatusStore,
  type VersionRecord,
} from '../ports/store.js';
import { validateCampaign, type Analysis, type ValidationResult } from '../../statemachines/validate.js';
import { Findings, type Issue } from '../util/issues.js';
import { compileCampaign, CompileError } from '../../statemachines/compile.js';
import {
  campaignCommandRefusal,
  isInProgress,
  publishedStatus,
  runCommandRefusal,
  type CampaignCommand,
  type RunCommand,
} from '../../statemachines/lifecycle.js';
import { nextLaunches, scheduleOf, scheduleProblem, type ScheduleSpec } from '../../statemachines/schedule.js';
import { triggerSchema, type Campaign } from '../../statemachines/campaign.js';
import { literalProblem } from '../sql/literal.js';
import { runPrefixOf } from '../layout.js';
import { stopRun } from '../orchestrator/stopped.js';
import { claimRun, keepsState, releaseStale, RunRefused } from '../orchestrator/start.js';
import { filterLogs, type LogFilter } from './logs.js';
import { runDetail, runOutcome, runSummary } from './runs.js';
import { activitySql } from './activity-sql.js';
import type { Dialect } from '../sql/dialect.js';
import { badRequest, conflict, invalid, notFound } from './errors.js';
import type { Platform } from './platform.js';
import { ApiError } from './errors.js';
import { canCount, countActivity, type CountResult } from './count.js';
import type { ReportStore } from '../ports/ledger.js';
import type { Providers } from '../ports/channel.js';
import { quotaWarnings } from './quota-warnings.js';
import { campaignReport, NO_COUNTERS, runReport } from '../orchestrator/report.js';
import { type ProofRequest, ProofRefused, type ProofSample, proofSamples } from '../orchestrator/proof.js';
import type { ChannelDeps } from '../orchestrator/types.js';
import type { ImportService } from './import-service.js';

export interface ServiceDeps {
  store: StatusStore;
  engine: QueryEngine;
  catalog: Catalog;
  platform: Platform;
  /** The dialect campaigns are validated and compiled for. */
  dialect: Dialect;
  newRunId: () => string;
  clock?: () => Date;
  /** The channels' report counters; without them, reports are empty. */
  reports?: ReportStore;
  /** The channels' providers, whose sending rates publication checks throttles against (quota-warnings.ts). */
  providers?: Providers;
  /** What proofs render and send with (the deployment's channels); without them, no proofs. */
  channels?: ChannelDeps;
  /** Import jobs (the /jobs, /tables and /uploads routes); without them, those routes answer 404. */
  imports?: ImportService;
}

/** What `cdk deploy` owns for campaigns deployed as code; starting and duplicating them is fine. */
const CODE_OWNED = new Set<CampaignCommand>(['update', 'publish', 'archive', 'delete']);

export class CampaignService {
  constructor(private readonly d: ServiceDeps) {}

  /** The import jobs' service, or a 404 where the deployment has none. */
  get imports(): ImportService {
    if (!this.d.imports) throw notFound('import jobs are not available in this deployment');
    return this.d.imports;
  }

  private now(): Date {
    return (this.d.clock ?? (() => new Date()))();
  }

  private validate(definition: unknown): ValidationResult {
    return validateCampaign(definition, this.d.catalog, { dialect: this.d.dialect, now: this.now() });
  }

  private async campaign(id: string): Promise<CampaignRecord> {
    const c = await this.d.store.getCampaign(id);
    if (!c) throw notFound(`no campaign '${id}'`);
    return c;
  }

  private async runOf(runId: string): Promise<RunRecord> {
    const r = await this.d.store.getRun(runId);
    if (!r) throw notFound(`no run '${runId}'`);
    return r;
  }

  /** Whether any of the campaign's runs (not only its last) is still in progress. */
  private async runInProgress(id: string): Promise<boolean> {
    return (await this.d.store.listRuns(id, 100)).some((r) => isInProgress(r.status));
  }

  private async check(c: CampaignRecord, command: CampaignCommand): Promise<void> {
    if (c.source === 'code' && CODE_OWNED.has(command)) {
      throw conflict(
        `campaign '${c.id}' is deployed as code (cdk deploy): change its campaign file and deploy again, or duplicate it to work on a copy here`,
        { source: 'code', command },
      );
    }
    const refusal = campaignCommandRefusal(command, c.status, await this.runInProgress(c.id));
    if (refusal) throw conflict(refusal, { status: c.status, command });
  }

  /** Writes a campaign at its revision; a concurrent change is a conflict. */
  private async save(c: CampaignRecord, patch: Partial<CampaignRecord>): Promise<CampaignRecord> {
    const next = { ...c, ...patch, revision: c.revision + 1, updatedAt: this.now().toISOString() };
    if (!(await this.d.store.putCampaign(next, c.revision)))
      throw conflict('the campaign was changed meanwhile; read it again and retry');
    return next;
  }

  /** A campaign as one reads it alone: its register, the runs it points at, its published version. */
  private async view(c: CampaignRecord) {
    const register = (await this.d.store.listCampaignRuns(c.id)).get(c.id) ?? { running: [] };
    const [runs, published] = await Promise.all([
      this.d.store.getRuns(pointedRuns(register)),
      c.status === 'scheduled' ? this.d.store.getVersion(c.id, c.version) : undefined,
    ]);
    return this.viewOf(campaignHead(c), register, runs, published);
  }

  /**
   * A campaign as the API shows it: its last run (with its activities' counts) and last failure
   * from the runs its register points at, a run in progress from those it holds, its next launch
   * from its published version. Only runs recorded before runs kept their counts are read further.
   */
  private async viewOf(
    c: CampaignHead,
    register: CampaignRunsView,
    runs: Map<string, RunRecord>,
    published: VersionRecord | undefined,
  ) {
    const last = register.lastRun ? runs.get(register.lastRun) : undefined;
    const failed = register.lastFailed ? runs.get(register.lastFailed) : undefined;
    const spec = scheduleOfVersion(c, published);
    const next = spec ? nextLaunches(spec, this.now(), 1)[0] : undefined;
    const [lastOutcome, failure] = await Promise.all([
      last && outcomeOf(this.d.store, last),
      failed && outcomeOf(this.d.store, failed),
    ]);
    const inProgress = [last, ...register.running.map((id) => runs.get(id))].some((r) => r && isInProgress(r.status));
    return {
      id: c.id,
      label: c.label,
      status: c.status,
      version: c.version,
      changed: c.changed,
      source: c.source,
      trigger: c.trigger ?? 'manual',
      ...(c.dimension !== undefined ? { dimension: c.dimension } : {}),
      timezone: c.timezone ?? 'UTC',
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      ...(c.publishedAt ? { publishedAt: c.publishedAt } : {}),
      runInProgress: inProgress,
      ...(last ? { lastRun: { ...runSummary(last), counts: lastOutcome!.counts } } : {}),
      ...(failed
        ? {
            lastFailure: {
              runId: failed.runId,
              at: failed.endedAt ?? failed.startedAt,
              ...(failure?.failedActivity ? { activity: failure.failedActivity } : {}),
            },
          }
        : {}),
      ...(next ? { nextRun: next.toISOString() } : {}),
    };
  }

  // Campaigns ------------------------------------------------------------------------------------

  async create(definition: { id: string }) {
    const now = this.now().toISOString();
    const v = this.validate(definition);
    const record: CampaignRecord = {
      id: definition.id,
      label: labelOf(definition) ?? definition.id,
      status: 'draft',
      definition,
      version: 0,
      changed: true,
      createdAt: now,
      updatedAt: now,
      source: 'api',
      revision: 1,
    };
    if (!(await this.d.store.putCampaign(record)))
      throw conflict(`a campaign '${definition.id}' exists already; change its id, or PUT to update it`);
    // The id of a deleted campaign: its runs' register was closed by the deletion.
    await this.d.store.reopenRuns(definition.id);
    return { ...(await this.view(record)), validation: { valid: v.valid, errors: v.errors, warnings: v.warnings } };
  }

  /**
   * The campaigns, in a few reads whatever their number: the campaigns and their run registers (a
   * query each), then the runs the registers point at and the versions of scheduled campaigns (in
   * batches of 100).
   */
  async list(filter: { status?: string; q?: string }) {
    const q = filter.q?.toLowerCase();
    const [all, registers] = await Promise.all([this.d.store.listCampaignHeads(), this.d.store.listCampaignRuns()]);
    const records = all
      .filter((c) => !filter.status || filter.status === 'running' || c.status === filter.status)
      .filter((c) => !q || c.id.includes(q) || c.label.toLowerCase().includes(q));
    const registerOf = (id: string): CampaignRunsView => registers.get(id) ?? { running: [] };
    const scheduled = records.filter((c) => c.status === 'scheduled');
    const [runs, versions] = await Promise.all([
      this.d.store.getRuns(records.flatMap((c) => pointedRuns(registerOf(c.id)))),
      this.d.store.getVersions(scheduled.map((c) => ({ campaignId: c.id, version: c.version }))),
    ]);
    const views = await Promise.all(
      records.map((c) => this.viewOf(c, registerOf(c.id), runs, versions.get(`${c.id}#${c.version}`))),
    );
    return views.filter((c) => filter.status !== 'running' || c.runInProgress).sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string) {
    const c = await this.campaign(id);
    const v = this.validate(c.definition);
    return {
      ...(await this.view(c)),
      definition: c.definition,
      validation: { valid: v.valid, errors: v.errors, warnings: v.warnings },
    };
  }

  async update(id: string, definition: { id: string }) {
    if (definition.id !== id)
      throw badRequest(`the definition's id '${definition.id}' is not '${id}'; to rename, duplicate the campaign`);
    const c = await this.campaign(id);
    await this.check(c, 'update');
    const label = labelOf(definition) ?? c.label;
    const saved = await this.save(c, { definition, label, changed: true });
    return this.get(saved.id);
  }

  async remove(id: string): Promise<void> {
    const c = await this.campaign(id);
    await this.check(c, 'delete');
    // One conditional write decides between this deletion and a start of the same campaign.
    let closed = await this.d.store.closeForDeletion(id);
    if (!closed.ok && (await releaseStale(this.d.store, id, closed.running, this.now())))
      closed = await this.d.store.closeForDeletion(id);
    if (!closed.ok)
      throw conflict(
        `a run is in progress (${closed.running[0]}); stop it or wait for it to end before deleting the campaign`,
        { status: c.status, command: 'delete' },
      );
    try {
      if (c.status !== 'draft') await this.d.platform.retire(id, 'delete');
    } catch (e) {
      await this.d.store.reopenRuns(id);
      throw e;
    }
    await this.d.store.deleteCampaign(id);
  }

  async duplicate(id: string, newId?: string) {
    const c = await this.campaign(id);
    const copyId = newId ?? `${id}-copy`.slice(0, 63);
    const definition = { ...(c.definition as object), id: copyId, label: `${c.label} (copy)` };
    return this.create(definition);
  }

  /** Validates and compiles a definition, or answers 422 with what is wrong. */
  private compile(definition: unknown, message: string) {
    const v = this.validate(definition);
    if (!v.valid || !v.analysis)
      throw invalid(message.replace('{n}', String(v.errors.length)), { errors: v.errors, warnings: v.warnings });
    try {
      return {
        v,
        analysis: v.analysis,
        campaign: v.analysis.campaign,
        definition: compileCampaign(v.analysis).definition,
      };
    } catch (e) {
      if (e instanceof CompileError)
        throw invalid(e.message, {
          errors: [{ activity: e.activity, path: '', message: e.message }],
          warnings: v.warnings,
        });
      throw e;
    }
  }

  async publish(id: string) {
    const c = await this.campaign(id);
    await this.check(c, 'publish');
    const { v, analysis, campaign, definition } = this.compile(
      c.definition,
      'the campaign has {n} error(s); fix them, then publish again',
    );
    const signals = await this.signalProblems(analysis);
    if (signals.length)
      throw invalid(
        signals.length === 1
          ? `activity '${signals[0]!.activity}': ${signals[0]!.message}`
          : `the campaign has ${signals.length} error(s); fix them, then publish again`,
        { errors: signals, warnings: v.warnings },
      );
    const schedule = scheduleOf(campaign.trigger, campaign.timezone);
    const problem = schedule && scheduleProblem(schedule, this.now());
    if (problem)
      throw invalid(problem, { errors: [{ activity: null, path: 'trigger', message: problem }], warnings: v.warnings });
    // The conditional write reserves the version number: a concurrent change or publication is a
    // conflict before anything is deployed; if deploying fails, the campaign is put back.
    const version = c.version + 1;
    const at = this.now().toISOString();
    const saved = await this.save(c, {
      status: publishedStatus(campaign.trigger),
      version,
      changed: false,
      publishedAt: at,
    });
    try {
      const deployed = await this.d.platform.publish(id, version, definition, schedule);
      await this.d.store.putVersion({
        campaignId: id,
        version,
        definition: c.definition,
        publishedAt: at,
        ...(deployed.machine ? { machine: deployed.machine } : {}),
      });
    } catch (e) {
      await this.d.store.putCampaign(
        { ...c, revision: saved.revision + 1, updatedAt: this.now().toISOString() },
        saved.revision,
      );
      throw e;
    }
    const warnings = [...v.warnings, ...(await quotaWarnings(campaign, this.d.providers))];
    let started: string | undefined;
    if (campaign.trigger.type === 'asap') started = (await this.startRun(id, { trigger: 'asap' })).runId;
    return { ...(await this.view(saved)), warnings, ...(started ? { startedRun: started } : {}) };
  }

  /** End activities whose signal names a campaign the store does not have (it would fail at run time). */
  private async signalProblems(analysis: Analysis): Promise<Issue[]> {
    const findings = new Findings();
    for (const node of analysis.nodes.values()) {
      if (!node.valid || node.def.type !== 'end' || !node.def.signal) continue;
      const target = node.def.signal.campaign;
      if (target === analysis.campaign.id || (await this.d.store.getCampaign(target))) continue;
      findings.error(
        node.def.id,
        ['activities', node.index, 'signal', 'campaign'],
        `the signal goes to campaign '${target}', which does not exist; create and publish it first, or correct the id`,
      );
    }
    return findings.errors;
  }

  async archive(id: string) {
    const c = await this.campaign(id);
    await this.check(c, 'archive');
    if (c.status === 'scheduled' || c.status === 'live') await this.d.platform.retire(id, 'archive');
    return this.view(await this.save(c, { status: 'archived' }));
  }

  /** The published versions of a campaign, newest first (the working copy is the campaign itself). */
  async versions(id: string) {
    const c = await this.campaign(id);
    const out: Array<{ version: number; publishedAt: string; label: string; current: boolean }> = [];
    for (let v = c.version; v >= 1; v--) {
      const r = await this.d.store.getVersion(id, v);
      if (!r) continue;
      out.push({
        version: r.version,
        publishedAt: r.publishedAt,
        label: labelOf(r.definition as object) ?? c.label,
        current: r.version === c.version,
      });
    }
    return out;
  }

  /** One published version with its definition: the canvas of a run as it ran. */
  async version(id: string, version: number) {
    await this.campaign(id);
    const r = await this.d.store.getVersion(id, version);
    if (!r) throw notFound(`campaign ${id} has no version ${version}`);
    return { version: r.version, publishedAt: r.publishedAt, definition: r.definition };
  }

  async preview(id: string, count = 10) {
    const c = await this.campaign(id);
    const v = this.validate(c.definition);
    const campaign = v.analysis?.campaign;
    if (!campaign)
      throw invalid('the campaign has errors; its schedule cannot be previewed', {
        errors: v.errors,
        warnings: v.warnings,
      });
    const spec = scheduleOf(campaign.trigger, campaign.timezone);
    // An archived campaign has no schedule any more: it launches nothing, whatever its trigger says.
    if (c.status === 'archived')
      return {
        expression: spec?.expression ?? null,
        timezone: spec?.timezone ?? campaign.timezone,
        launches: [],
        warning: 'the campaign is archived: it is not scheduled any more (duplicate it to run it again)',
      };
    if (!spec)
      return {
        expression: null,
        timezone: campaign.timezone,
        launches: [],
        warning: `the trigger is '${campaign.trigger.type}': the campaign starts ${campaign.trigger.type === 'asap' ? 'when published' : campaign.trigger.type === 'signal' ? 'on a signal (POST /campaigns/{id}/runs)' : 'by hand'}`,
      };
    const launches = nextLaunches(spec, this.now(), count).map((d) => d.toISOString());
    // Validation warns about schedules that fire too often.
    const warning = v.warnings.find((w) => w.path === 'trigger')?.message;
    return {
      expression: spec.expression,
      ...(spec.lastDay ? { lastDayExpression: spec.lastDay } : {}),
      timezone: spec.timezone,
      launches,
      ...(warning ? { warning } : {}),
    };
  }

  /**
   * The row count of an activity's output in the campaign's working copy, running only what is
   * upstream of it, in scratch tables removed afterwards; nothing is recorded.
   */
  async count(
    id: string,
    request: { activity: string; output?: string | undefined; variables?: Record<string, unknown> | undefined },
  ): Promise<CountResult> {
    const c = await this.campaign(id);
    const v = this.validate(c.definition);
    if (!v.valid || !v.analysis)
      throw invalid(`the campaign has ${v.errors.length} error(s); fix them before counting`, {
        errors: v.errors,
        warnings: v.warnings,
      });
    if (!canCount(this.d.engine))
      throw new ApiError(
        501,
        'not_implemented',
        'counting before running is available on `orca serve` (the local engine) only',
      );
    return countActivity({
      analysis: v.analysis,
      catalog: this.d.catalog,
      engine: this.d.engine,
      store: this.d.store,
      activity: request.activity,
      output: request.output,
      variables: this.variables(v.analysis.campaign, request.variables ?? {}),
      now: this.now(),
    });
  }

  // Runs -----------------------------------------------------------------------------------------

  async startRun(id: string, options: { variables?: Record<string, unknown>; testMode?: boolean; trigger?: string }) {
    const c = await this.campaign(id);
    const testMode = options.testMode ?? false;
    await this.check(c, testMode ? 'startTest' : 'start');
    // A test run of a draft runs its working copy; otherwise the last published version.
    const version = c.status === 'draft' || (testMode && c.changed) ? 0 : c.version;
    const published = version ? await this.d.store.getVersion(id, version) : undefined;
    if (version && !published)
      throw conflict(
        `version ${version} of '${id}' is not recorded (a publication failed?); publish the campaign again`,
      );
    const { campaign, definition } = this.compile(
      published?.definition ?? c.definition,
      'the campaign has {n} error(s); fix them before running it',
    );
    const variables = this.variables(campaign, options.variables ?? {});
    const runId = this.d.newRunId();
    const trigger = options.trigger ?? 'api';
    // The store decides between concurrent starts (and a deletion): see README, "Concurrent runs".
    const exclusive = keepsState(campaign.activities);
    try {
      await claimRun(this.d.store, id, runId, exclusive, this.now());
    } catch (e) {
      if (e instanceof RunRefused) throw conflict(e.message, { status: c.status, command: 'start' });
      throw e;
    }
    try {
      await this.d.store.createRun({
        runId,
        campaignId: id,
        campaignLabel: campaign.label,
        version,
        status: 'running',
        startedAt: this.now().toISOString(),
        testMode,
        variables,
        trigger,
      });
    } catch (e) {
      await this.d.store.releaseRun(id, runId);
      throw e;
    }
    try {
      const started = await this.d.platform.start({
        runId,
        campaignId: id,
        version,
        definition,
        machine: published?.machine,
        input: { run: { runId, testMode, variables }, trigger },
      });
      if (started?.execution) await this.d.store.updateRun(runId, { execution: started.execution });
    } catch (e) {
      // A run that never started must not block the campaign.
      const message = `the run did not start: ${(e as Error).message}`;
      await this.d.store.updateRun(runId, { status: 'failed', endedAt: this.now().toISOString(), error: message });
      await this.d.store.releaseRun(id, runId);
      await this.d.store.log(runId, { at: this.now().toISOString(), level: 'error', message });
      throw e;
    }
    return { runId, campaignId: id, version, testMode, status: 'running' as const };
  }

  private variables(campaign: Campaign, given: Record<string, unknown>): Record<string, unknown> {
    const problems: Array<{ variable: string; message: string }> = [];
    for (const [name, value] of Object.entries(given)) {
      const declared = Object.hasOwn(campaign.variables, name) ? campaign.variables[name] : undefined;
      if (!declared)
        problems.push({
          variable: name,
          message: `unknown variable; the campaign declares: ${Object.keys(campaign.variables).join(', ') || 'none'}`,
        });
      else if (value !== null) {
        const problem = literalProblem(value, declared.type);
        if (problem) problems.push({ variable: name, message: problem });
      }
    }
    if (problems.length) throw badRequest('some variables are not valid', problems);
    return given;
  }

  /** The SQL of an activity's query in the working copy (the code view). */
  async sql(id: string, activity: string) {
    const c = await this.campaign(id);
    return activitySql(id, this.validate(c.definition), activity);
  }

  async listRuns(id: string) {
    await this.campaign(id);
    return (await this.d.store.listRuns(id, 100)).map(runSummary);
  }

  async getRun(runId: string) {
    return runDetail(this.d.store, await this.runOf(runId));
  }

  /** The channel activities' report of a run. */
  async runReport(runId: string) {
    const run = await this.runOf(runId);
    return runReport(this.reportStore(), run.campaignId, runId);
  }

  /** The channel activities' report of a campaign, across its runs. */
  async campaignReport(id: string) {
    await this.campaign(id);
    return campaignReport(this.reportStore(), id);
  }

  private reportStore(): ReportStore {
    return this.d.reports ?? NO_COUNTERS;
  }

  /** The most recent runs of all campaigns. */
  async recentRuns(limit: number) {
    return (await this.d.store.recentRuns(limit)).map((r) => ({ ...runSummary(r), campaignId: r.campaignId }));
  }

  private async runCommand(runId: string, command: RunCommand): Promise<RunRecord> {
    const r = await this.runOf(runId);
    const refusal = runCommandRefusal(command, r.status);
    if (refusal) throw conflict(refusal, { status: r.status, command });
    return r;
  }

  async pause(runId: string, actor = 'api') {
    await this.runCommand(runId, 'pause');
    if (!(await this.d.store.updateRun(runId, { status: 'paused', pausedReason: `paused by ${actor}` }, ['running'])))
      throw conflict('the run is no longer running');
    await this.d.store.log(runId, {
      at: this.now().toISOString(),
      level: 'info',
      message: `paused by ${actor}: no new activity starts; running ones finish`,
      actor,
    });
    return this.getRun(runId);
  }

  async resume(runId: string, actor = 'api') {
    await this.runCommand(runId, 'resume');
    if (!(await this.d.store.updateRun(runId, { status: 'running', pausedReason: undefined }, ['paused'])))
      throw conflict('the run is no longer paused');
    await this.d.store.log(runId, {
      at: this.now().toISOString(),
      level: 'info',
      message: `resumed by ${actor}`,
      actor,
    });
    await this.d.platform.wake(runId);
    return this.getRun(runId);
  }

  /**
   * Confirms the channel activity of a run that waits for a confirmation (it then sends); 409 when
   * that activity is not waiting for one. The run log says who confirmed.
   */
  async confirm(runId: string, activityId: string, actor = 'api') {
    const r = await this.runOf(runId);
    if (!isInProgress(r.status)) throw conflict(`run ${runId} is ${r.status}: nothing waits for a confirmation`);
    if (!(await this.d.platform.confirm(runId, activityId)))
      throw conflict(`activity '${activityId}' of run ${runId} is not waiting for a confirmation`, {
        activity: activityId,
      });
    await this.d.store.log(runId, {
      at: this.now().toISOString(),
      level: 'info',
      activity: activityId,
      message: `confirmed by ${actor}: sending`,
      actor,
    });
    return this.getRun(runId);
  }

  /**
   * Renders the first samples of a channel activity's prepared messages and, with `to`, sends them
   * to those test addresses ("[proof] " prefixed), outside the ledger; the run log says who.
   */
  async proof(runId: string, activityId: string, req: ProofRequest, actor = 'api'): Promise<ProofSample[]> {
    const r = await this.runOf(runId);
    if (!this.d.channels) throw conflict('this deployment has no channel providers: it renders no proofs');
    try {
      return await proofSamples(
        { store: this.d.store, channels: this.d.channels, now: () => this.now() },
        { runId, campaignId: r.campaignId },
        activityId,
        req,
        actor,
      );
    } catch (e) {
      if (e instanceof ProofRefused)
        throw e.status === 409
          ? conflict(e.message, { activity: activityId })
          : new ApiError(422, 'invalid_proof', e.message, { activity: activityId });
      throw e;
    }
  }

  async stop(runId: string, actor = 'api') {
    await this.runCommand(runId, 'stop');
    if (
      !(await stopRun(
        this.d.store,
        runId,
        actor,
        (run) => this.d.platform.stop(run),
        () => this.now(),
      ))
    )
      throw conflict('the run is no longer in progress');
    return this.getRun(runId);
  }

  async restart(runId: string, actor = 'api') {
    const r = await this.runCommand(runId, 'restart');
    if (isInProgress(r.status)) await this.stop(runId, actor);
    return this.startRun(r.campaignId, {
      variables: r.variables,
      testMode: r.testMode,
      trigger: `restart of ${runId}`,
    });
  }

  async logs(
    runId: string,
    filter: LogFilter & { after?: string; limit?: number },
  ): Promise<Array<LogEntry & { id: string }>> {
    await this.runOf(runId);
    const entries = await this.d.store.listLogs(runId, { ...(filter.after ? { after: filter.after } : {}) });
    return filterLogs(entries, filter).slice(0, filter.limit ?? 10_000);
  }

  async tasks(runId: string) {
    await this.runOf(runId);
    return (await this.d.store.listTasks(runId)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  private async transition(runId: string, transitionId: string) {
    await this.runOf(runId);
    const t = (await this.d.store.getTransitions(runId, [transitionId])).get(transitionId);
    if (!t) throw notFound(`run '${runId}' has no transition '${transitionId}' (yet)`);
    return t;
  }

  async transitionSchema(runId: string, transitionId: string) {
    const t = await this.transition(runId, transitionId);
    return {
      transition: t.transitionId,
      from: t.from,
      output: t.output,
      to: t.to,
      active: t.active,
      rows: t.population?.rows ?? 0,
      dimension: t.population?.dimension ?? null,
      columns: t.population?.columns ?? [],
    };
  }

  async transitionRows(runId: string, transitionId: string, page: { limit: number; offset: number }) {
    const t = await this.transition(runId, transitionId);
    const p = t.population;
    // The population's own partition: a forwarded population is read where its writer put it.
    const rows = t.active && p && p.rows > 0 ? await this.d.engine.preview(p, page.limit, page.offset) : [];
    return {
      transition: t.transitionId,
      total: p?.rows ?? 0,
      limit: page.limit,
      offset: page.offset,
      columns: p?.columns ?? [],
      rows,
    };
  }

  /** Removes the work tables of runs older than each campaign's retention; a campaign's last run is kept. */
  purge(): Promise<{ purged: string[] }> {
    return purgeOldRuns({ store: this.d.store, engine: this.d.engine, now: () => this.now() });
  }
}

/**
 * The purge, on its ports alone (`orca serve` hourly, the cloud's scheduled purge function): the work
 * tables of every finished run older than its campaign's `retentionDays` (else `defaultRetentionDays`,
 * 30), except each campaign's last run. The engine removes the run's prefix (and, in the cloud, the
 * Glue tables over it).
 */
export async function purgeOldRuns(d: {
  store: Pick<StatusStore, 'listCampaigns' | 'listRuns' | 'updateRun' | 'log'>;
  engine: Pick<QueryEngine, 'remove'>;
  now: () => Date;
  defaultRetentionDays?: number;
}): Promise<{ purged: string[] }> {
  const purged: string[] = [];
  const now = d.now().getTime();
  for (const c of await d.store.listCampaigns()) {
    const days = Number((c.definition as { retentionDays?: unknown }).retentionDays);
    const retention = Number.isFinite(days) && days > 0 ? days : (d.defaultRetentionDays ?? 30);
    const runs = await d.store.listRuns(c.id, 1000);
    for (const r of runs.slice(1)) {
      if (isInProgress(r.status) || r.purged) continue;
      if (now - Date.parse(r.endedAt ?? r.startedAt) < retention * 86_400_000) continue;
      await d.engine.remove(runPrefixOf(c.id, r.runId));
      await d.store.updateRun(r.runId, { purged: true });
      await d.store.log(r.runId, {
        at: d.now().toISOString(),
        level: 'info',
        message: `work tables purged after ${retention} days`,
      });
      purged.push(r.runId);
    }
  }
  return { purged };
}

/** The schedule of a scheduled campaign, from its published version (not the working copy). */
export async function publishedSchedule(
  store: Pick<StatusStore, 'getVersion'>,
  c: CampaignRecord | undefined,
): Promise<ScheduleSpec | undefined> {
  if (c?.status !== 'scheduled') return undefined;
  return scheduleOfVersion(c, await store.getVersion(c.id, c.version));
}

/** The schedule of a scheduled campaign in its published version (read by the caller). */
function scheduleOfVersion(
  c: Pick<CampaignRecord, 'status'>,
  published: VersionRecord | undefined,
): ScheduleSpec | undefined {
  if (c.status !== 'scheduled') return undefined;
  const definition = published?.definition as Partial<Campaign> | undefined;
  const trigger = triggerSchema.safeParse(definition?.trigger);
  return trigger.success ? scheduleOf(trigger.data, definition?.timezone ?? 'UTC') : undefined;
}

/** The runs a campaign's register names: its last run, its last failed one, those in progress. */
function pointedRuns(r: CampaignRunsView): string[] {
  return [...(r.lastRun ? [r.lastRun] : []), ...(r.lastFailed ? [r.lastFailed] : []), ...r.running];
}

/**
 * How a run's activities stand, from the counts the store keeps on the run; a run recorded before
 * it kept them is read activity by activity.
 */
async function outcomeOf(store: Pick<StatusStore, 'listActivities'>, r: RunRecord) {
  if (r.activityCount === undefined) return runOutcome(store, r.runId);
  return {
    counts: { activities: r.activityCount, done: r.doneCount ?? 0, failed: r.failedCount ?? 0 },
    ...(r.failedActivity ? { failedActivity: r.failedActivity } : {}),
  };
}

function labelOf(definition: object): string | undefined {
  const label = (definition as { label?: unknown }).label;
  return typeof label === 'string' && label ? label : undefined;
}
