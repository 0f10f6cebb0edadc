/**
 * Live progress of a run: each activity's status and each transition's row count, redrawn in
 * place on a terminal, or printed line by line as they change when the output is not a terminal.
 */
import type { ActivityRecord, StatusStore, TransitionRecord } from '../lambdas/ports/store.js';
import { color, stripAnsi, terminalText } from './output.js';
import { statusLabel } from '../statemachines/lifecycle.js';

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function statusIcon(status: string, tick = 0): string {
  switch (status) {
    case 'done':
    case 'completed':
      return color.green('✓');
    case 'failed':
      return color.red('✗');
    case 'running':
      return color.cyan(SPIN[tick % SPIN.length]!);
    case 'skipped':
      return color.dim('-');
    case 'notRun':
      return color.dim('○');
    case 'waiting':
    case 'paused':
      return color.yellow('‖');
    case 'needsAttention':
      return color.yellow('!');
    case 'stopped':
      return color.red('■');
    default:
      return color.dim('·');
  }
}

export interface ProgressOptions {
  store: StatusStore;
  runId: string;
  /** Activity ids in display order, with their titles. */
  activities: Array<{ id: string; title: string }>;
  tty: boolean;
  write: (s: string) => void;
  intervalMs?: number;
}

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private lines = 0;
  private tick = 0;
  private readonly seen = new Map<string, string>();
  private readonly started = Date.now();
  private polling = false;

  constructor(private readonly o: ProgressOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.o.intervalMs ?? (this.o.tty ? 120 : 250));
  }

  /** Ends the live display (once: a second call does nothing). */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.polling) await new Promise((r) => setTimeout(r, 10));
    await this.poll(true);
    if (this.o.tty && this.lines) {
      // Leave the summary to the caller: clear the live block.
      this.o.write(`\u001b[${this.lines}A\u001b[J`);
      this.lines = 0;
    }
  }

  /** A line above the live block (on a terminal the block is redrawn under it). */
  note(line: string): void {
    if (this.o.tty && this.lines) this.o.write(`\u001b[${this.lines}A\u001b[J`);
    this.lines = 0;
    this.o.write(`${line}\n`);
  }

  private async poll(final = false): Promise<void> {
    if (this.polling && !final) return;
    this.polling = true;
    try {
      const [activities, transitions] = await Promise.all([
        this.o.store.listActivities(this.o.runId),
        this.o.store.listTransitions(this.o.runId),
      ]);
      if (this.o.tty) this.draw(activities, transitions);
      else this.report(activities, transitions);
    } catch {
      // The store may be closing; the summary follows.
    } finally {
      this.polling = false;
    }
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  private draw(activities: ActivityRecord[], transitions: TransitionRecord[]): void {
    const byId = new Map(activities.map((a) => [a.activityId, a]));
    const out = transitions.filter((t) => t.active);
    const width = Math.max(...this.o.activities.map((a) => a.id.length), 8);
    const rows = this.o.activities.map(({ id, title }) => {
      const a = byId.get(id);
      const status = a?.status ?? 'pending';
      const counts = out
        .filter((t) => t.from === id)
        .map((t) => `${t.output === 'main' ? '' : `${t.output} `}${(t.population?.rows ?? 0).toLocaleString('en-US')}`);
      const detail =
        status === 'running' && a?.startedAt
          ? color.cyan(`running ${((Date.now() - Date.parse(a.startedAt)) / 1000).toFixed(1)}s`)
          : status === 'done'
            ? [...new Set(counts)].join(', ')
            : color.dim(statusLabel(status));
      return `  ${statusIcon(status, this.tick)} ${terminalText(id, true).padEnd(width)}  ${color.dim(title.padEnd(18))} ${detail}`;
    });
    this.tick++;
    const block = [color.bold(`running… ${this.elapsed()}`), ...rows];
    const columns = process.stdout.columns ?? 120;
    const clipped = block.map((l) => (stripAnsi(l).length > columns - 1 ? l.slice(0, columns - 2) : l));
    this.o.write(`${this.lines ? `\u001b[${this.lines}A` : ''}${clipped.map((l) => `\u001b[2K${l}`).join('\n')}\n`);
    this.lines = clipped.length;
  }

  private report(activities: ActivityRecord[], transitions: TransitionRecord[]): void {
    for (const a of activities) {
      if (a.status === 'pending' || this.seen.get(a.activityId) === a.status) continue;
      this.seen.set(a.activityId, a.status);
      const counts = transitions
        .filter((t) => t.from === a.activityId && t.active)
        .map((t) => `${t.output} ${t.population?.rows ?? 0}`);
      this.o.write(
        `[${this.elapsed()}] ${terminalText(a.activityId, true)}: ${a.status}${a.status === 'done' && counts.length ? ` (${terminalText([...new Set(counts)].join(', '), true)})` : ''}${a.error ? `: ${terminalText(a.error, true)}` : ''}\n`,
      );
    }
  }
}
