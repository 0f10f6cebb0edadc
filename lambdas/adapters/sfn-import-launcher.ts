/**
 * Starts import jobs in the cloud: one execution of the deployed job machine (statemachines/import-job.ts,
 * `orca_imports`, its ARN in the API's ORCA_IMPORT_MACHINE) per job, named after the job and given
 * `{ jobId }`. A second start of the same job is the same execution ("AWS Step Functions API
 * Reference — StartExecution": a name already used by a running execution with the same input is
 * idempotent; otherwise ExecutionAlreadyExists, answered with that execution).
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { JobLauncher } from '../ports/imports.js';
import { isAwsError } from './aws-errors.js';

export class SfnImportLauncher implements JobLauncher {
  constructor(private readonly o: { sfn: SFNClient; machineArn: string }) {}

  async start(jobId: string): Promise<{ execution: string }> {
    try {
      const r = await this.o.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.o.machineArn,
          name: jobId,
          input: JSON.stringify({ jobId }),
        }),
      );
      return { execution: r.executionArn! };
    } catch (e) {
      if (!isAwsError(e, 'ExecutionAlreadyExists')) throw e;
      return { execution: `${this.o.machineArn.replace(':stateMachine:', ':execution:')}:${jobId}` };
    }
  }
}
