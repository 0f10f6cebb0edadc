/**
 * The states of a channel activity (prepare, prepared, confirm, send Map, sent) as compiled: valid
 * ASL, and the budget of a 10-million-recipient send computed from the compiled machine.
 */
import { validateAsl } from '../test/helpers/asl-validator.js';
import { describe, expect, it } from 'vitest';
import { tinyCatalog } from '../test/fixtures/tiny.js';
import { chunkPlan } from '../lambdas/channels/prepare.js';
import { allStates, PLACEHOLDERS, type State, type StateMachineDefinition } from './asl.js';
import { compileCampaign } from './compile.js';
import { validateCampaign } from './validate.js';

const catalog = tinyCatalog();

function campaign(over: { trigger?: unknown; mail?: Record<string, unknown> } = {}) {
  return {
    id: 'news',
    label: 'Newsletter',
    dimension: 'recipients',
    timezone: 'UTC',
    ...(over.trigger ? { trigger: over.trigger } : {}),
    activities: [
      { id: 'all', type: 'buildAudience', query: { attribute: 'id', operator: 'greater', value: 0 } },
      {
        id: 'mail',
        type: 'email',
        from: 'news@example.com',
        subject: 'Hello {{first_name}}',
        text: 'Hi',
        generateOutput: true,
        throttle: { perSecond: 100 },
        ...over.mail,
      },
      { id: 'done', type: 'end' },
      { id: 'left', type: 'end' },
    ],
    transitions: [
      { from: 'all', to: 'mail' },
      { from: 'mail', output: 'sent', to: 'done' },
      { from: 'mail', output: 'excluded', to: 'left' },
    ],
  };
}

function compile(doc: unknown): StateMachineDefinition {
  const v = validateCampaign(doc, catalog);
  expect(v.errors).toEqual([]);
  return compileCampaign(v.analysis!).definition;
}

const statesOf = (d: StateMachineDefinition) => Object.fromEntries(allStates(d));

describe('a channel activity compiled', () => {
  it('passes asl-validator (JSONPath, ARNs, paths), with the chain of the design', () => {
    const d = compile(campaign());
    const result = validateAsl(d);
    expect(result.errors).toEqual([]);
    const s = statesOf(d);
    expect(s['mail ?']).toMatchObject({ Type: 'Choice', Choices: [{ StringEquals: 'send', Next: 'mail prepare' }] });
    expect(s['mail prepare']).toMatchObject({
      Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
      Next: 'mail prepared',
    });
    expect(s['mail prepared']).toMatchObject({ Parameters: { Payload: { step: 'prepared' } }, ResultPath: '$.send' });
    expect(s['mail confirm']).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' });
    const map = s['mail send']!;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.send.chunks',
      ResultPath: null,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } },
    });
    const chunk = (map.ItemProcessor as { States: Record<string, State> }).States['mail chunk']!;
    expect(chunk).toMatchObject({ Parameters: { FunctionName: PLACEHOLDERS.send, Payload: { step: 'chunk' } } });
    const retried = (chunk.Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(
      expect.arrayContaining(['Orca.ChunkContinue', 'Orca.ChunkBusy', 'Lambda.ServiceException']),
    );
    // After sent: the branch's shared query and record, as every query activity.
    expect(s['mail sent']!.Next).toMatch(/^Run query \d+$/);
  });

  it('a campaign that does not repeat waits for a confirmation; a repeating one, or sendWithoutConfirmation, does not', () => {
    const confirm = (doc: unknown) =>
      (statesOf(compile(doc))['mail prepared']!.Parameters as { Payload: { confirm: boolean } }).Payload.confirm;
    expect(confirm(campaign())).toBe(true);
    expect(confirm(campaign({ trigger: { type: 'asap' } }))).toBe(true);
    expect(confirm(campaign({ mail: { sendWithoutConfirmation: true } }))).toBe(false);
    for (const trigger of [
      { type: 'daily', hours: [9] },
      { type: 'weekly', days: ['MON'], at: '09:00' },
      { type: 'monthly', days: [1], at: '09:00' },
      { type: 'interval', every: 1, unit: 'hours' },
    ])
      expect(confirm(campaign({ trigger })), trigger.type).toBe(false);
  });
});

/**
 * History events per state, from "AWS Step Functions Developer Guide — Viewing execution history
 * events" / the API Reference's HistoryEventType list: a state's Entered and Exited events, plus
 * - a Lambda task: TaskScheduled, TaskStarted, TaskSucceeded (5 in all);
 * - a .sync or .waitForTaskToken task: TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded (6);
 * - a Map: MapStateStarted, MapStateSucceeded (4), and per iteration MapIterationStarted and
 *   MapIterationSucceeded around the iteration's own states;
 * - a Parallel: ParallelStateStarted, ParallelStateSucceeded (4) around its branches;
 * - Choice, Pass, Wait, Succeed: Entered and Exited (2);
 * and the execution's ExecutionStarted and ExecutionSucceeded (2).
 */
function historyEvents(d: StateMachineDefinition, actions: Record<string, string>, chunks: number): number {
  const walk = (states: Record<string, State>, start: string, activity: { id: string }): number => {
    let events = 0;
    let name: string | undefined = start;
    while (name) {
      const s: State = states[name]!;
      if (actions[name]) activity.id = name;
      if (s.Type === 'Task') {
        const waits = /\.sync$|waitForTaskToken$/.test(s.Resource as string);
        // The confirmation is waited for: it is in the history like any callback.
        events += waits ? 6 : 5;
      } else if (s.Type === 'Map') {
        const p = s.ItemProcessor as { StartAt: string; States: Record<string, State> };
        events += 4 + chunks * (2 + walk(p.States, p.StartAt, { ...activity }));
      } else if (s.Type === 'Parallel') {
        const branches = s.Branches as Array<{ StartAt: string; States: Record<string, State> }>;
        events += 4 + branches.reduce((n, b) => n + walk(b.States, b.StartAt, activity), 0);
      } else events += 2;
      if (s.Type === 'Succeed' || s.Type === 'Fail' || s.End) break;
      if (s.Type === 'Choice') {
        const choices = s.Choices as Array<{
          Variable: string;
          StringEquals?: string;
          BooleanEquals?: boolean;
          Next: string;
        }>;
        const pick = choices.find((c) =>
          c.Variable === '$.step.action'
            ? c.StringEquals === actions[activity.id]
            : c.Variable === '$.step.activity.id'
              ? c.StringEquals === activity.id
              : c.Variable === '$.send.confirm'
                ? c.BooleanEquals === true
                : c.Variable === '$.final.status' && c.StringEquals === 'completed',
        );
        name = pick?.Next ?? (s.Default as string | undefined);
      } else name = s.Next as string | undefined;
    }
    return events;
  };
  return 2 + walk(d.States, d.StartAt, { id: '' });
}

describe('a 10-million-recipient send', () => {
  const rows = 10_000_000;
  const d = compile(campaign());
  // The gate sizes the chunks from the inbound row count (the activity's plan, prepare.ts).
  const plan = chunkPlan(rows, 100);
  const chunks = plan.chunks;
  const map = statesOf(d)['mail send']!;

  it('stays under the 25,000 history events of one execution ("AWS Step Functions Developer Guide — Quotas")', () => {
    // K = max(5,000, ceil(10M / 2,000)) = 5,000 rows a chunk, n = 10M / 5,000 = 2,000 chunks.
    expect(plan).toMatchObject({ rowsPerChunk: 5_000, chunks: 2_000 });
    const events = historyEvents(d, { all: 'query', mail: 'send', done: 'done', left: 'done' }, chunks);
    // 2,000 chunks x 7 events (2 for the iteration, 5 for its Lambda task) = 14,000, plus the
    // 110 of the rest of the machine (its states walked once, each by its type's count above).
    expect(events).toBe(14_110);
    expect(events).toBeLessThan(25_000);
  });

  it("sends each chunk within Lambda's 15 minutes at 100 messages a second ('AWS Lambda Developer Guide — quotas': 900 s)", () => {
    const concurrency = map.MaxConcurrency as number;
    // c = clamp(floor(100 x 600 / 5,000), 1, 40) = 12 chunks at once, the same in the plan and the machine.
    expect(concurrency).toBe(12);
    expect(plan.concurrency).toBe(12);
    expect(concurrency).toBeLessThanOrEqual(40);
    // The 100/s are shared by the chunks sending at once: 100 / 12 a second each.
    const seconds = Math.ceil(rows / chunks) / (100 / concurrency);
    expect(seconds).toBe(600);
    expect(seconds).toBeLessThan(15 * 60);
  });
});
