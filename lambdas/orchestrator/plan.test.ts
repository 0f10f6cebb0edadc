/**
 * The run's plan: the compiled machine names each activity by its id; the start step records the
 * activities' settings that the Start run state carries, and the gate and the failure handler read
 * them from there.
 */
import { describe, expect, it } from 'vitest';
import { fakeDeps } from '../../test/helpers/fakes/index.js';
import {
  activity,
  failEvent,
  inbound,
  outbound,
  RUN_ID,
  runContext,
  schema,
  startEvent,
} from '../../test/helpers/fakes/events.js';
import { encodePlan } from '../../statemachines/asl.js';
import { failActivity } from './fail.js';
import { gate, PARKED } from './gate.js';
import { startRun } from './start.js';
import type { GateRef } from './types.js';

const plan = encodePlan({
  build: {
    activity: activity({ id: 'build', type: 'buildAudience' }),
    inbound: [],
    outbound: [outbound('t1', 'save'), outbound('t2', 'end', 'complement')],
  },
  save: {
    activity: activity({ id: 'save', type: 'saveAudience', audience: 'vips' }),
    inbound: [inbound('t1', 'build', schema())],
    outbound: [],
  },
});
const ref = (id: string): GateRef => ({ step: 'gate', token: `token-${id}`, run: runContext(), activity: id });

async function started() {
  const f = fakeDeps();
  await startRun(
    startEvent({
      execution: RUN_ID,
      activities: [
        { id: 'build', type: 'buildAudience' },
        { id: 'save', type: 'saveAudience' },
      ],
      plan,
    }),
    f.deps,
  );
  return f;
}

describe('the run plan', () => {
  it('the gate of an activity named by its id plans it with the settings the start step recorded', async () => {
    const f = await started();
    const r = await gate(ref('build'), f.deps);
    expect(r).toMatchObject({
      action: 'query',
      activity: { id: 'build', type: 'buildAudience' },
      outbound: [
        { transition: 't1', output: 'main', to: 'save' },
        { transition: 't2', output: 'complement', to: 'end' },
      ],
    });
    expect(f.store.activity(RUN_ID, 'build').status).toBe('running');
  });

  it('a parked gate keeps the short event it was given, and runs from it when replayed', async () => {
    const f = await started();
    await f.store.updateRun(RUN_ID, { status: 'paused' });
    expect(await gate(ref('build'), f.deps)).toBe(PARKED);
    expect(f.control.parkings[0]!.event).toEqual({ ...ref('build'), resumed: true });
  });

  it('a run without a plan fails the activity with one line naming it', async () => {
    const f = fakeDeps();
    await startRun(startEvent({ execution: RUN_ID, activities: [{ id: 'build', type: 'buildAudience' }] }), f.deps);
    await expect(gate(ref('build'), f.deps)).rejects.toMatchObject({
      name: 'Orca.ActivityError',
      message: expect.stringMatching(/^activity 'build': its settings are not recorded with run RUN-1/),
    });
  });

  it('the failure handler, given only the id, closes the outbound transitions of the plan', async () => {
    const f = await started();
    const e = failEvent({ id: 'build', type: 'buildAudience' }, { Error: 'Orca.ActivityError', Cause: 'bad' });
    delete e.outbound;
    expect(await failActivity({ ...e, activity: { id: 'build' } }, f.deps)).toEqual({ decision: 'continue', delay: 0 });
    const transitions = await f.store.listTransitions(RUN_ID);
    expect(transitions.map((t) => [t.transitionId, t.active])).toEqual([
      ['t1', false],
      ['t2', false],
    ]);
  });
});
