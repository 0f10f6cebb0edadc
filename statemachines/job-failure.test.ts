/**
 * The job machines' Catch, run on the compiled ASL with aws-local-stepfunctions: a stage whose
 * function fails past its retries ("AWS Step Functions Developer Guide — Error handling": Catch on
 * States.ALL, the error as { Error, Cause } at its ResultPath) runs the same function's fail step
 * with the job and the error, then the execution fails with orca.JobInterrupted.
 */
import { validateAsl } from '../test/helpers/asl-validator.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { compileExportJob, EXPORT_FUNCTION } from './export-job.js';
import { compileImportJob, IMPORT_FUNCTION, INTERRUPTED_STATE, JOB_INTERRUPTED } from './import-job.js';
import type { StateMachineDefinition } from './asl.js';

class Crash extends Error {
  override name = 'Lambda.Unknown';
}

/** Runs a job machine whose stage `crashAt` throws; answers the payloads each Task got and how it ended. */
async function run(def: StateMachineDefinition, crashAt: string) {
  const calls: Array<{ state: string; payload: Record<string, unknown> }> = [];
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, s] of Object.entries(def.States)) {
    if (s.Type !== 'Task') continue;
    handlers[name] = async (input) => {
      const payload = (input as { Payload: Record<string, unknown> }).Payload;
      calls.push({ state: name, payload });
      if (name === crashAt) throw new Crash('Task timed out after 900.00 seconds');
      return { StatusCode: 200, Payload: { next: name === INTERRUPTED_STATE ? 'end' : 'go' } };
    };
  }
  const machine = new StateMachine(JSON.parse(JSON.stringify(def)), { validationOptions: { noValidate: true } });
  const execution = machine.run({ jobId: 'job-1' }, { overrides: { taskResourceLocalHandlers: handlers as never } });
  let error: Error | undefined;
  await execution.result.catch((e: Error) => {
    error = e;
  });
  return { calls, error };
}

describe('job machines: a crashed stage marks the job interrupted', () => {
  for (const [kind, compile, fn, stages] of [
    ['import', compileImportJob, IMPORT_FUNCTION, ['load', 'type', 'doubles', 'match', 'apply', 'swap']],
    ['export', compileExportJob, EXPORT_FUNCTION, ['read', 'write', 'finish']],
  ] as const) {
    it(`${kind}: valid ASL; every stage's Task has the Catch, the Interrupted state calls the same function`, () => {
      const def = compile();
      const result = validateAsl(def);
      expect(result.errors).toEqual([]);
      for (const s of stages)
        expect(def.States[`Stage ${s}`]!.Catch).toEqual([
          { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Interrupted' },
        ]);
      expect(def.States.Interrupted).toMatchObject({
        Type: 'Task',
        Parameters: { FunctionName: fn, Payload: { 'jobId.$': '$.jobId', stage: 'fail', 'failure.$': '$.failure' } },
        Next: 'Failed',
      });
      // The Interrupted state itself has no Catch: a failing fail step fails the execution (no loop).
      expect(def.States.Interrupted!.Catch).toBeUndefined();
      expect(def.States.Failed).toMatchObject({ Type: 'Fail', Error: JOB_INTERRUPTED });
    });

    it(`${kind}: the second stage crashing runs the fail step with the job and the error, then the execution fails`, async () => {
      const def = compile();
      const { calls, error } = await run(def, `Stage ${stages[1]}`);
      expect(calls.map((c) => c.state)).toEqual([`Stage ${stages[0]}`, `Stage ${stages[1]}`, 'Interrupted']);
      expect(calls[2]!.payload).toEqual({
        jobId: 'job-1',
        stage: 'fail',
        failure: { Error: 'Lambda.Unknown', Cause: 'Task timed out after 900.00 seconds' },
      });
      // The runner's ExecutionError carries the Fail state's error as its cause.
      expect((error?.cause as Error | undefined)?.name).toBe(JOB_INTERRUPTED);
    });

    it(`${kind}: no crash, no fail step; the execution succeeds`, async () => {
      const { calls, error } = await run(compile(), 'none');
      expect(calls.map((c) => c.state)).toEqual(stages.map((s) => `Stage ${s}`));
      expect(error).toBeUndefined();
    });
  }
});
