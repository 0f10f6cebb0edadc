/**
 * Starts import jobs in the cloud: one execution of the deployed job machine (statemachines/import-job.ts,
 * `orca_imports`) per job, named after the job and given `{ jobId }`. A second start of the same job
 * is the same execution ("AWS Step Functions API Reference — StartExecution": a name already used
 * by a running execution with the same input is idempotent; otherwise ExecutionAlreadyExists).
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { JobLauncher } from '../ports/imports.js';
import { isAwsError } from './aws-errors.js';
import { executionArn, stateMachineArn, type AwsLocation } from '../util/names.js';
import { IMPORT_MACHINE } from '../../statemachines/import-job.js';

export class SfnImportLauncher implements JobLauncher {
  constructor(private readonly o: AwsLocation & { sfn: SFNClient }) {}

  async start(jobId: string): Promise<{ execution: string }> {
    try {
      const r = await this.o.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: stateMachineArn(this.o, IMPORT_MACHINE),
          name: jobId,
          input: JSON.stringify({ jobId }),
        }),
      );
      return { execution: r.executionArn! };
    } catch (e) {
      if (!isAwsError(e, 'ExecutionAlreadyExists')) throw e;
      return { execution: executionArn(this.o, IMPORT_MACHINE, jobId) };
    }
  }
}
