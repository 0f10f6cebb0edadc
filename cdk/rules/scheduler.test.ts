/** EventBridge Scheduler rules, checked on the template of a stack with one-off campaigns. */
import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { orcaTemplate, templateOf } from './template.js';

const campaign = (id: string, at: string) => ({
  file: `${id}.yaml`,
  doc: {
    id,
    label: id,
    dimension: 'recipients',
    trigger: { type: 'once', at },
    activities: [
      { id: 'a', type: 'buildAudience', query: { attribute: 'email', operator: 'isNotEmpty' } },
      { id: 'e', type: 'end' },
    ],
    transitions: [{ from: 'a', to: 'e' }],
  },
});

let synthesized: ReturnType<typeof templateOf> | undefined;
/** One stack with a future and a past one-off campaign, synthesized once for the tests below. */
const synth = () =>
  (synthesized ??= templateOf({
    campaigns: undefined,
    definitions: [campaign('soon', '2099-06-01T09:00'), campaign('past', '2020-01-01T09:00')],
  }));

describe('AWS CloudFormation User Guide — AWS::Scheduler::Schedule (no ActionAfterCompletion property)', () => {
  it('a one-off schedule is deployed without ActionAfterCompletion, which CloudFormation would refuse; a fired one is removed by the next deploy', () => {
    const { template } = synth();
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((s) => s.Properties);
    expect(schedules.map((s) => s.Name)).toEqual(['orca-soon']);
    expect(schedules[0]).toMatchObject({ ScheduleExpression: 'at(2099-06-01T09:00:00)' });
    expect(schedules[0]).not.toHaveProperty('ActionAfterCompletion');
  });
});

describe('Amazon EventBridge Scheduler API Reference — CreateSchedule (a schedule that never fires is refused)', () => {
  it('a past `once` trigger does not break the synth: that campaign deploys without a schedule, with a warning naming it and what to do', () => {
    const { stack, template } = synth();
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).map(
      (m) => m.Properties.StateMachineName,
    );
    expect(machines.sort()).toEqual(['orca-past', 'orca-soon']);
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp('campaign past \\(past\\.yaml\\) is deployed without a schedule: .*change the trigger'),
    );
  });
});

describe('Amazon EventBridge User Guide — Creating a rule that runs on a schedule (rate expressions)', () => {
  it('the purge function runs daily', () => {
    const { template } = orcaTemplate();
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties);
    const purge = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) =>
      /purges the work tables/.test(f.Properties.Description),
    )![0];
    expect(rules).toContainEqual(
      expect.objectContaining({
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [purge, 'Arn'] } })],
      }),
    );
  });
});
