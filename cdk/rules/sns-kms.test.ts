/** SNS and KMS rules for encrypted topics, checked on the synthesized template. */
import { describe, expect, it } from 'vitest';
import { orcaTemplate, resourcesOf } from './template.js';

type Statement = {
  Effect: string;
  Principal?: { Service?: string | string[]; AWS?: unknown };
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const services = (s: Statement) => list(s.Principal?.Service);
const actionMatches = (granted: string, wanted: string) =>
  granted === wanted || (granted.endsWith('*') && wanted.startsWith(granted.slice(0, -1)));
const allows = (statements: Statement[], service: string, action: string) =>
  statements.filter(
    (s) =>
      s.Effect === 'Allow' && services(s).includes(service) && list(s.Action).some((a) => actionMatches(a, action)),
  );

/** The key of a topic, resolved to the KMS key resource (a Ref or a GetAtt of its Arn). */
function keyOf(topic: { [key: string]: { KmsMasterKeyId?: unknown } }) {
  const ref = topic.Properties?.KmsMasterKeyId as
    | { Ref?: string; 'Fn::GetAtt'?: [string, string] }
    | string
    | undefined;
  const id = typeof ref === 'object' ? (ref.Ref ?? ref['Fn::GetAtt']?.[0]) : undefined;
  const keys = Object.fromEntries(resourcesOf(orcaTemplate().template, 'AWS::KMS::Key'));
  return id ? keys[id] : undefined;
}

const alarmTopics = () => {
  const { template } = orcaTemplate();
  const targets = new Set(
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).flatMap((a) =>
      (a.Properties.AlarmActions as Array<{ Ref: string }>).map((r) => r.Ref),
    ),
  );
  return resourcesOf(template, 'AWS::SNS::Topic').filter(([id]) => targets.has(id));
};

describe('Amazon SNS Developer Guide — Configuring AWS KMS permissions for AWS services (encrypted topics and AWS service event sources)', () => {
  it('the alarm topic is encrypted with a customer-managed key (not alias/aws/sns) whose policy lets CloudWatch use it, rotated', () => {
    const topics = alarmTopics();
    expect(topics).toHaveLength(1);
    for (const [id, topic] of topics) {
      expect(JSON.stringify(topic.Properties.KmsMasterKeyId), id).not.toContain('alias/aws/sns');
      const key = keyOf(topic);
      expect(key, `${id}: a KMS key of this stack`).toBeDefined();
      expect(key!.Properties.EnableKeyRotation).toBe(true);
      const policy = key!.Properties.KeyPolicy.Statement as Statement[];
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey'])
        expect(allows(policy, 'cloudwatch.amazonaws.com', action), action).not.toHaveLength(0);
    }
  });

  it('the alarm topic policy allows cloudwatch.amazonaws.com to publish, for this account only (aws:SourceAccount)', () => {
    const { template } = orcaTemplate();
    for (const [id] of alarmTopics()) {
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')).filter((p) =>
        (p.Properties.Topics as Array<{ Ref: string }>).some((t) => t.Ref === id),
      );
      const publish = policies.flatMap((p) =>
        allows(p.Properties.PolicyDocument.Statement as Statement[], 'cloudwatch.amazonaws.com', 'sns:Publish'),
      );
      expect(publish, id).toHaveLength(1);
      expect(publish[0]!.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    }
  });

  it('the alert topic, published by the gate function, shares the key; the gate role may use the key and publish', () => {
    const { template } = orcaTemplate();
    const alerts = resourcesOf(template, 'AWS::SNS::Topic').filter(
      ([, t]) => t.Properties.DisplayName === 'orca campaign alerts',
    );
    expect(alerts).toHaveLength(1);
    const key = keyOf(alerts[0]![1]);
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const gate = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.includes('GateRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    const granted = gate.flatMap((s) => list(s.Action));
    for (const a of ['sns:Publish', 'kms:Decrypt', 'kms:GenerateDataKey*']) expect(granted).toContain(a);
  });
});
