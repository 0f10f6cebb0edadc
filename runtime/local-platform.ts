/**
 * The embedded platform behind `orca serve`: runs execute in-process on the local runtime, parked
 * gates wake on resume, stop aborts the execution and cancels its queries, and a scheduler starts
 * scheduled campaigns at the launch times of their EventBridge expressions.
 */
import type { Platform, StartRequest } from '../lambdas/api/platform.js';
import { publishedSchedule, type CampaignService } from '../lambdas/api/service.js';
import { nextLaunches, type ScheduleSpec } from '../statemachines/schedule.js';
import type { LocalRuntime } from './local-runtime.js';
import type { RunRecord } from '../lambdas/ports/store.js';

const MAX_TIMER = 2 ** 31 - 1;

export class LocalPlatform implements Platform {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Runs executing now, to wait for on shutdown. */
  readonly running = new Map<string, Promise<unknown>>();
  service?: CampaignService;
  onError: (message: string) => void = (m) => console.error(m);

  constructor(readonly runtime: LocalRuntime) {}

  async publish(
    campaignId: string,
    _version: number,
    _definition: unknown,
    schedule: ScheduleSpec | undefined,
  ): Promise<{ machine?: string }> {
    // Nothing to deploy locally; the scheduler takes the new schedule (or drops the old one).
    this.arm(campaignId, schedule);
    return {};
  }

  async retire(campaignId: string): Promise<void> {
    clearTimeout(this.timers.get(campaignId));
    this.timers.delete(campaignId);
  }

  async start(r: StartRequest): Promise<undefined> {
    const done = this.runtime
      .run(r.definition, {
        runId: r.runId,
        testMode: r.input.run.testMode,
        variables: r.input.run.variables,
        trigger: r.input.trigger,
      })
      .catch((e) => this.onError(`run ${r.runId} ended with an error: ${(e as Error).message}`))
      .finally(() => this.running.delete(r.runId));
    this.running.set(r.runId, done);
  }

  async confirm(runId: string, activityId: string): Promise<boolean> {
    return this.runtime.control.confirm(runId, activityId);
  }

  async wake(runId: string): Promise<void> {
    this.runtime.control.wake(runId);
  }

  async stop(run: RunRecord): Promise<void> {
    await this.runtime.abort(run.runId);
  }

  /** Arms the timer of a scheduled campaign from its published version (at start, after each launch). */
  async refreshSchedule(campaignId: string): Promise<void> {
    this.arm(campaignId, await publishedSchedule(this.runtime.store, await this.runtime.store.getCampaign(campaignId)));
  }

  private refreshLater(campaignId: string): void {
    this.refreshSchedule(campaignId).catch((e) =>
      this.onError(`the schedule of ${campaignId} could not be re-armed: ${(e as Error).message}`),
    );
  }

  /** Sets the timer for the next launch of a schedule (none: no timer). */
  private arm(campaignId: string, spec: ScheduleSpec | undefined): void {
    clearTimeout(this.timers.get(campaignId));
    this.timers.delete(campaignId);
    const next = spec ? nextLaunches(spec, new Date(), 1)[0] : undefined;
    if (!next) return;
    const delay = next.getTime() - Date.now();
    const timer = setTimeout(
      () => {
        if (delay > MAX_TIMER) return this.refreshLater(campaignId);
        if (!this.service) return;
        this.service
          .startRun(campaignId, { trigger: 'schedule' })
          .catch((e) => this.onError(`scheduled run of ${campaignId} did not start: ${(e as Error).message}`))
          .finally(() => this.refreshLater(campaignId));
      },
      Math.min(delay, MAX_TIMER),
    );
    timer.unref();
    this.timers.set(campaignId, timer);
  }

  async refreshAll(): Promise<void> {
    for (const c of await this.runtime.store.listCampaigns())
      if (c.status === 'scheduled') await this.refreshSchedule(c.id);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
