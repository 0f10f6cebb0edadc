/** Task tokens in the cloud: parking, answering, waking — the exact requests, with mocks. */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudRunControl, SfnCallbacks, wakeParked } from './cloud-control.js';
import type { Parking } from '../ports/control.js';

function memoryStore(status: string) {
  const parked = new Map<string, Parking>();
  return {
    parked: async () => [...parked.values()],
    park: async (p: Parking) => void parked.set(p.activityId, p),
    unpark: async (_r: string, a: string) => parked.delete(a),
    getRun: async () => ({ status }),
    map: parked,
  };
}

describe('cloud run control', () => {
  it('answers a task token with its output, or with an error', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    const cb = new SfnCallbacks(new SFNClient({}));
    await cb.succeed('tok', { action: 'done' });
    await cb.fail('tok2', 'Orca.ActivityError', 'x'.repeat(40_000));
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({
      taskToken: 'tok',
      output: '{"action":"done"}',
    });
    const failure = sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input;
    expect(failure).toMatchObject({ taskToken: 'tok2', error: 'Orca.ActivityError' });
    expect(failure.cause!.length).toBe(32_000);
  });

  it('a paused gate parks its token; a resume that raced it is caught', async () => {
    const paused = memoryStore('paused');
    const p: Parking = {
      runId: 'r',
      activityId: 'a',
      kind: 'gate',
      token: 't',
      event: { step: 'gate', resumed: true },
    };
    expect(await new CloudRunControl(paused as never).park(p)).toBe('parked');
    expect(paused.map.size).toBe(1);
    const resumedMeanwhile = memoryStore('running');
    expect(await new CloudRunControl(resumedMeanwhile as never).park(p)).toBe('resumed');
    expect(resumedMeanwhile.map.size).toBe(0);
  });

  it('resume invokes the gate function again for each parked task, once', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const store = memoryStore('running');
    await store.park({
      runId: 'r',
      activityId: 'a',
      kind: 'gate',
      token: 't1',
      event: { step: 'gate', token: 't1', resumed: true },
    });
    await store.park({
      runId: 'r',
      activityId: 'b',
      kind: 'suspended',
      token: 't2',
      event: { step: 'suspended', token: 't2', resumed: true },
    });
    expect(await wakeParked(store as never, new LambdaClient({}), 'orca-gate', 'r')).toBe(2);
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(
      calls.map((c) => [c.FunctionName, c.InvocationType, JSON.parse(Buffer.from(c.Payload as Uint8Array).toString())]),
    ).toEqual([
      ['orca-gate', 'Event', { step: 'gate', token: 't1', resumed: true }],
      ['orca-gate', 'Event', { step: 'suspended', token: 't2', resumed: true }],
    ]);
    expect(await wakeParked(store as never, new LambdaClient({}), 'orca-gate', 'r')).toBe(0);
  });
});
