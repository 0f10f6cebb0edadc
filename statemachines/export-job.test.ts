/** The export job's machine: valid ASL, one Task per stage in order, pause as a Wait that asks the same stage again. */
import { validateAsl } from '../test/helpers/asl-validator.js';
import { describe, expect, it } from 'vitest';
import { compileExportJob, EXPORT_FUNCTION } from './export-job.js';

describe('export job machine', () => {
  const def = compileExportJob();

  it('passes asl-validator', () => {
    const result = validateAsl(def);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('read, write, finish: go goes on, wait waits and asks the same stage, anything else ends', () => {
    expect(def.StartAt).toBe('Stage read');
    const tasks = Object.entries(def.States).filter(([, s]) => s.Type === 'Task');
    // The stages, then the Catch's Interrupted step (statemachines/job-failure.test.ts).
    expect(tasks.map(([n]) => n)).toEqual(['Stage read', 'Stage write', 'Stage finish', 'Interrupted']);
    expect(tasks[0]![1]).toMatchObject({ Parameters: { FunctionName: EXPORT_FUNCTION, Payload: { stage: 'read' } } });
    expect(def.States['After write']).toMatchObject({
      Choices: [
        { StringEquals: 'go', Next: 'Stage finish' },
        { StringEquals: 'wait', Next: 'Paused before write' },
      ],
      Default: 'Ended',
    });
    expect(def.States['After finish']).toMatchObject({
      Choices: [{ Next: 'Ended' }, { Next: 'Paused before finish' }],
    });
    expect(def.States['Paused before write']).toMatchObject({ Type: 'Wait', Next: 'Stage write' });
  });
});
