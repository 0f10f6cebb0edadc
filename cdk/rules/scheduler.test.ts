/** EventBridge Scheduler rules, checked on the template of a stack with one-off campaigns. */
import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { orcaTemplate, templateOf } from './template.js';

const campaign = (id: string, at: string, trigger: Record<string, unknown> = { type: 'once', at }) => ({
  file: `${id}.yaml`,
  doc: {
    id,
    label: id,
    dimension: 'recipients',
    trigger,
    activities: [
      { id: 'a', type: 'buildAudience', query: { attribute: 'email', operator: 'isNotEmpty' } },
      { id: 'e', type: 'end' },
    ],
    transitions: [{ from: 'a', to: 'e' }],
  },
});

let synthesized: ReturnType<typeof templateOf> | undefined;
/** One stack with a future and a past one-off campaign and a monthly one, synthesized once for the tests below. */
const synth = () =>
  (synthesized ??= templateOf({
    campaigns: undefined,
    definitions: [
      campaign('soon', '2099-06-01T09:00'),
      campaign('past', '2020-01-01T09:00'),
      campaign('payday', '', { type: 'monthly', days: [1, 15, 'last'], at: '09:00' }),
    ],
  }));

describe('AWS CloudFormation User Guide — AWS::Scheduler::Schedule (no ActionAfterCompletion property)', () => {
  it('a one-off schedule is deployed without ActionAfterCompletion, which CloudFormation would refuse; a fired one is removed by the next deploy', () => {
    const { template } = synth();
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .map((s) => s.Properties)
      .filter((s) => !s.Name.startsWith('orca-payday'));
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
    expect(machines.sort()).toEqual(['orca-past', 'orca-payday', 'orca-soon', 'orca_exports', 'orca_imports']);
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp('campaign past \\(past\\.yaml\\) is deployed without a schedule: .*change the trigger'),
    );
  });
});

describe('Amazon EventBridge Scheduler User Guide — cron expressions (L cannot be listed with other days of the month)', () => {
  it("a monthly trigger listing 'last' with other days is two schedules starting the one machine", () => {
    const { template } = synth();
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .map((s) => s.Properties)
      .filter((s) => s.Name.startsWith('orca-payday'));
    expect(schedules.map((s) => [s.Name, s.ScheduleExpression])).toEqual([
      ['orca-payday', 'cron(0 9 1,15 * ? *)'],
      ['orca-payday_last', 'cron(0 9 L * ? *)'],
    ]);
    expect(schedules[0].Target.Arn).toEqual(schedules[1].Target.Arn);
    expect(schedules[0].ScheduleExpressionTimezone).toBe(schedules[1].ScheduleExpressionTimezone);
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
