/** Step Functions and CloudFormation rules on the state machines of the template. */
import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS } from '../../statemachines/asl.js';
import { orcaTemplate } from './template.js';

describe('AWS CloudFormation User Guide — AWS::StepFunctions::StateMachine DefinitionSubstitutions', () => {
  it('every placeholder of each definition has a substitution, and each of the compiler’s placeholders is substituted', () => {
    // The campaigns' machines (the 8 examples) (the job machines have their own placeholders: cdk/rules/imports.test.ts).
    const machines = Object.values(orcaTemplate().template.findResources('AWS::StepFunctions::StateMachine')).filter(
      (m) => !['orca_imports', 'orca_exports'].includes(m.Properties.StateMachineName),
    );
    expect(machines).toHaveLength(8);
    const placeholders = Object.values(PLACEHOLDERS).map((p) => p.slice(2, -1));
    expect(placeholders).toEqual(expect.arrayContaining(['AthenaDatabase', 'AthenaResults']));
    for (const m of machines) {
      const text = JSON.stringify(m.Properties.DefinitionString);
      const used = [...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((x) => x[1]!);
      const subs = Object.keys(m.Properties.DefinitionSubstitutions);
      for (const u of used) expect(subs, m.Properties.StateMachineName).toContain(u);
      expect(subs.sort()).toEqual([...placeholders].sort());
    }
  });

  it('the results location is the bucket’s athena-results/ folder', () => {
    const [m] = Object.values(orcaTemplate().template.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(m!.Properties.DefinitionSubstitutions.AthenaResults)).toMatch(
      /"s3:\/\/".*"\/athena-results\/"/,
    );
    expect(m!.Properties.DefinitionSubstitutions.AthenaDatabase).toBe('orca');
  });
});
