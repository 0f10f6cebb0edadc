/** The EventBridge rule on execution status changes, checked on the synthesized template. */
import { describe, expect, it } from 'vitest';
import type { CfnElement } from 'aws-cdk-lib';
import { testMachineName } from '../../lambdas/util/names.js';
import { orcaTemplate, resourcesOf } from './template.js';

/** A deployment's pseudo parameters, to read the template's Fn::Join ARNs as strings. */
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
};

function resolved(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolved);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && o.Ref in PSEUDO) return PSEUDO[o.Ref];
    const join = o['Fn::Join'];
    if (Array.isArray(join)) return (resolved(join[1]) as unknown[]).join(join[0] as string);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolved(x)]));
  }
  return v;
}

function executionRule() {
  const { stack, template } = orcaTemplate();
  const rules = resourcesOf(template, 'AWS::Events::Rule').filter(
    ([, r]) => r.Properties.EventPattern?.source?.[0] === 'aws.states',
  );
  expect(rules).toHaveLength(1);
  const control = stack.getLogicalId(stack.orca.functions.control.node.defaultChild as CfnElement);
  return { template, id: rules[0]![0], rule: rules[0]![1].Properties, control };
}

describe('AWS Step Functions Developer Guide — EventBridge (CloudWatch Events) for Step Functions execution status changes', () => {
  it("the rule matches the executions of orca's campaign machines that ended ABORTED, TIMED_OUT or FAILED, and only those", () => {
    const { template, rule } = executionRule();
    const pattern = resolved(rule.EventPattern);
    expect(pattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
        stateMachineArn: [{ prefix: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-' }],
      },
    });
    expect(rule.State ?? 'ENABLED').toBe('ENABLED');
    // Every deployed machine's ARN, and that of the machine the API runs a draft's test runs on, has the prefix.
    const names = resourcesOf(template, 'AWS::StepFunctions::StateMachine')
      .map(([, m]) => m.Properties.StateMachineName)
      // The job machines are no campaign's: its jobs keep their statuses in the store (cdk/constructs/imports.ts).
      .filter((name) => name !== 'orca_imports' && name !== 'orca_exports');
    expect(names.length).toBeGreaterThan(0);
    for (const name of [...names, testMachineName('winback')])
      expect(
        `arn:aws:states:eu-west-1:123456789012:stateMachine:${name}`.startsWith(
          'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-',
        ),
      ).toBe(true);
  });

  it('its one target is the control function', () => {
    const { rule, control } = executionRule();
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [control, 'Arn'] });
    expect(rule.Targets[0]).not.toHaveProperty('Input');
    expect(rule.Targets[0]).not.toHaveProperty('InputTransformer');
  });
});

describe('Amazon EventBridge User Guide — Using resource-based policies (Lambda: events.amazonaws.com, for the rule)', () => {
  it('events.amazonaws.com may invoke the control function, for this rule only', () => {
    const { template, id, control } = executionRule();
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => JSON.stringify(p.SourceArn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
    expect(permissions).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [control, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [id, 'Arn'] },
      },
    ]);
  });
});
