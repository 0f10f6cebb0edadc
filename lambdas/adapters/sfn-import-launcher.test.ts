/** Starting an import job's execution ("AWS Step Functions API Reference — StartExecution"). */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SfnImportLauncher } from './sfn-import-launcher.js';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca_imports';

describe('SfnImportLauncher', () => {
  it('starts one execution named after the job, with the job id as input', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace('stateMachine', 'execution')}:imp-1` });
    const r = await new SfnImportLauncher({ sfn: new SFNClient({ region: 'eu-west-1' }), machineArn: MACHINE }).start(
      'imp-1',
    );
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: 'imp-1',
      input: '{"jobId":"imp-1"}',
    });
    expect(r).toEqual({ execution: 'arn:aws:states:eu-west-1:123456789012:execution:orca_imports:imp-1' });
    sfn.restore();
  });

  it('a job started twice: the execution of that name (ExecutionAlreadyExists)', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const r = await new SfnImportLauncher({ sfn: new SFNClient({ region: 'eu-west-1' }), machineArn: MACHINE }).start(
      'imp-1',
    );
    expect(r).toEqual({ execution: 'arn:aws:states:eu-west-1:123456789012:execution:orca_imports:imp-1' });
    sfn.restore();
  });
});
