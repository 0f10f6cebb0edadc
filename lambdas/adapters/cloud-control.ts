/**
 * Run control in the cloud. A gate that finds its run paused stores its task token (with the
 * event to replay) and returns without answering; its Step Functions task waits. `resumeRun`
 * marks the run running and invokes the gate function again for each parked task, which then
 * completes it with SendTaskSuccess.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Parking, RunControl, TaskCallbacks } from '../ports/control.js';
import type { ParkingStore, StatusStore } from '../ports/store.js';

export class CloudRunControl implements RunControl {
  constructor(private readonly store: StatusStore & ParkingStore) {}

  async park(p: Parking): Promise<'resumed' | 'parked'> {
    await this.store.park(p);
    // A resume may have happened between the status check and the parking: look again.
    const run = await this.store.getRun(p.runId);
    if (p.kind === 'gate' && run && run.status !== 'paused' && (await this.store.unpark(p.runId, p.activityId)))
      return 'resumed';
    return 'parked';
  }
}

export class SfnCallbacks implements TaskCallbacks {
  constructor(private readonly sfn: SFNClient) {}

  async succeed(token: string, output: unknown): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output ?? {}) }));
  }

  async fail(token: string, error: string, cause: string): Promise<void> {
    await this.sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: error.slice(0, 256), cause: cause.slice(0, 32_000) }),
    );
  }
}

/**
 * Wakes every parked task of a run: each gate runs again and answers its token. A channel activity
 * waiting for a confirmation stays parked: a resume is not a confirmation (see `confirmParked`).
 */
export async function wakeParked(
  store: ParkingStore,
  lambda: LambdaClient,
  gateFunction: string,
  runId: string,
): Promise<number> {
  let woken = 0;
  for (const p of await store.parked(runId)) {
    if (p.kind === 'confirm') continue;
    if (!(await store.unpark(runId, p.activityId))) continue;
    await lambda.send(
      new InvokeCommand({
        FunctionName: gateFunction,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(p.event)),
      }),
    );
    woken++;
  }
  return woken;
}

/**
 * Confirms the channel activity of a run waiting for a confirmation: takes its parking (one
 * conditional delete, so two confirmations cannot both go on) and invokes the gate function with
 * the parked event marked confirmed, which answers the task token. False when it is not waiting.
 */
export async function confirmParked(
  store: ParkingStore,
  lambda: LambdaClient,
  gateFunction: string,
  runId: string,
  activityId: string,
): Promise<boolean> {
  const p = (await store.parked(runId)).find((x) => x.activityId === activityId && x.kind === 'confirm');
  if (!p || !(await store.unpark(runId, activityId))) return false;
  await lambda.send(
    new InvokeCommand({
      FunctionName: gateFunction,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ ...(p.event as object), confirmed: true })),
    }),
  );
  return true;
}
