/**
 * Tasks that wait (a pause, a breakpoint, a suspended activity) outlive a weekend, on AWS and in
 * the local runner, proved without waiting: the compiled ASL's timeouts against Step Functions'
 * documented limits, and the local runner (aws-local-stepfunctions, fake timers) holding a run
 * parked on a breakpoint for three days, as orca runs it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { allStates, LAMBDA_CALLBACK, LAMBDA_INVOKE, type StateMachineDefinition } from '../statemachines/asl.js';
import { compileCampaign } from '../statemachines/compile.js';
import { validateCampaign } from '../statemachines/validate.js';
import { EXAMPLES, EXAMPLES_DIR } from '../test/fixtures/examples.js';
import { localDefinition, type Json, type LocalHandlers, startLocalExecution } from './local-runtime.js';

const catalog = loadCatalog(join(EXAMPLES_DIR, 'catalog.yaml'));
const DAY = 24 * 3600;
/** The pause horizon the README documents: 364 days, under a Standard execution's one-year maximum. */
const HORIZON = 364 * DAY;
/** "AWS Step Functions Developer Guide — Service quotas": maximum execution time of a Standard workflow, 1 year. */
const ONE_YEAR = 365 * DAY;

function compile(doc: Record<string, unknown>): StateMachineDefinition {
  const v = validateCampaign({ dimension: 'recipients', timezone: 'UTC', label: 'Test', ...doc }, catalog);
  expect(v.errors).toEqual([]);
  return compileCampaign(v.analysis!).definition;
}

/** Two activities, a breakpoint on the second; with the suspend policy, every kind of waiting task. */
const breakpointed = {
  id: 'weekend',
  errorPolicy: { onError: 'suspend' },
  activities: [
    { id: 'all', type: 'buildAudience', query: { attribute: 'country', operator: 'equal', value: 'FR' } },
    { id: 'done', type: 'end', breakpoint: true },
  ],
  transitions: [{ from: 'all', to: 'done' }],
};

const callbacks = (d: StateMachineDefinition) => [...allStates(d)].filter(([, s]) => s.Resource === LAMBDA_CALLBACK);

describe('tasks that wait for a resume', () => {
  it('every .waitForTaskToken state waits the documented 364 days, within the execution limit, with no heartbeat', () => {
    const definitions = [
      compile(breakpointed),
      ...EXAMPLES.map((f) => compile(readDocument(join(EXAMPLES_DIR, f)) as Record<string, unknown>)),
    ];
    const states = definitions.flatMap(callbacks);
    // Gates of every example, and the suspended state of the suspend policy.
    expect(states.some(([name]) => /^Suspended \d+$/.test(name))).toBe(true);
    for (const [name, state] of states) {
      expect(state.TimeoutSeconds, name).toBeGreaterThanOrEqual(HORIZON);
      expect(state.TimeoutSeconds, name).toBeLessThan(ONE_YEAR);
      expect(state.HeartbeatSeconds, name).toBeUndefined();
      expect(state.HeartbeatSecondsPath, name).toBeUndefined();
    }
  });

  it('locally every Task gets a timeout that a Node timer can hold (longer ones fire after 1 ms)', () => {
    const local = localDefinition(compile(breakpointed));
    const tasks = [...allStates(local)].filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(4);
    for (const [name, state] of tasks) {
      expect(state.TimeoutSeconds, name).toBeGreaterThanOrEqual(24 * DAY);
      expect(Number(state.TimeoutSeconds) * 1000, name).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });
});

describe('the local runner', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps a run parked on a breakpoint alive from Friday to Monday, then completes it on resume', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-20T17:00:00Z')); // a Friday
    const steps: string[] = [];
    const parked: Array<(output: Json) => void> = [];
    const answers: Record<string, Json> = {
      start: { runId: 'weekend-1', testMode: false, variables: {} },
      finalize: { status: 'completed' },
      fail: { decision: 'abort', delay: 0 },
    };
    const handlers: LocalHandlers = {};
    for (const [name, state] of allStates(compile(breakpointed))) {
      if (state.Resource === LAMBDA_INVOKE)
        handlers[name] = async (input) => {
          const step = String((input as { Payload: { step: string } }).Payload.step);
          steps.push(step);
          return { StatusCode: 200, Payload: answers[step] ?? null };
        };
      if (state.Resource === LAMBDA_CALLBACK)
        handlers[name] = (input) => {
          // A gate gets its activity's id (its settings are in the run's plan).
          const { step, activity } = (input as { Payload: { step: string; activity: string } }).Payload;
          steps.push(`${step} ${activity}`);
          // `all` goes on at once; the breakpoint's gate waits until resumed.
          if (activity === 'all') return Promise.resolve({ action: 'done' });
          return new Promise((resolve) => parked.push(resolve));
        };
    }
    const execution = startLocalExecution(compile(breakpointed), 'weekend-1', {}, handlers);
    const outcome = execution.result.then(
      (r) => ({ ok: true, r }),
      (e: Error) => ({ ok: false, r: e.message }),
    );
    await vi.advanceTimersByTimeAsync(1000);

    expect(parked).toHaveLength(1);
    // Over the weekend: far past the runner's 60 s default.
    await vi.advanceTimersByTimeAsync(3 * DAY * 1000);
    expect(steps).toEqual(['start', 'gate all', 'gate done']);
    parked[0]!({ action: 'done' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await outcome).toEqual({ ok: true, r: expect.anything() });
    expect(steps).toEqual(['start', 'gate all', 'gate done', 'finalize']);
  });
});
