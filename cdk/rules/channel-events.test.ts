/**
 * Delivery events to the events function: the SES configuration set's EventBridge destination and
 * the rules on the default bus.
 * - "Amazon SES API v2 Reference — EventDestination": MatchingEventTypes (SEND, REJECT, BOUNCE,
 *   COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, ...); "AWS CloudFormation —
 *   AWS::SES::ConfigurationSetEventDestination EventBridgeDestination": only the default bus.
 * - "Amazon EventBridge Events Reference — Amazon SES events": source aws.ses and the detail-types
 *   (Email Sent, Email Delivered, Email Bounced, Email Complaint Received, Email Opened, Email
 *   Clicked, Email Rejected, Email Rendering Failed); "Amazon SES Developer Guide — Contents of
 *   event data": mail.tags carries the ses:configuration-set auto-tag.
 * - SMS: "AWS CloudFormation — AWS::SMSVOICE::ConfigurationSet EventDestination" (CloudWatch Logs,
 *   Firehose or SNS; MatchingEventTypes; SnsDestination TopicArn) and "AWS End User Messaging SMS
 *   User Guide — Create an Amazon SNS event destination" (the topic policy lets
 *   sms-voice.amazonaws.com publish). The service's EventBridge events are not used: see channels.ts.
 */
import { describe, expect, it } from 'vitest';
import { noChannelsTemplate, orcaTemplate, resourcesOf, TEST_CHANNELS, templateOf } from './template.js';

const rules = (template: ReturnType<typeof orcaTemplate>['template']) =>
  resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);

describe('delivery events', () => {
  it('a configuration set is created, with one destination: the default event bus, for the eight event types', () => {
    const { template } = orcaTemplate();
    const sets = resourcesOf(template, 'AWS::SES::ConfigurationSet');
    expect(sets).toHaveLength(1);
    const [setId] = sets[0]!;
    const destinations = resourcesOf(template, 'AWS::SES::ConfigurationSetEventDestination').map(
      ([, d]) => d.Properties,
    );
    expect(destinations).toEqual([
      {
        ConfigurationSetName: { Ref: setId },
        EventDestination: {
          Name: 'orca-eventbridge',
          Enabled: true,
          MatchingEventTypes: [
            'SEND',
            'DELIVERY',
            'BOUNCE',
            'COMPLAINT',
            'OPEN',
            'CLICK',
            'REJECT',
            'RENDERING_FAILURE',
          ],
          EventBridgeDestination: {
            EventBusArn: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':events:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':event-bus/default',
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('the SES rule: source aws.ses, those eight detail-types, this configuration set only, to the events function', () => {
    const { template } = orcaTemplate();
    const [setId] = resourcesOf(template, 'AWS::SES::ConfigurationSet')[0]!;
    const ses = rules(template).filter((r) => r.EventPattern?.source?.[0] === 'aws.ses');
    expect(ses).toHaveLength(1);
    expect(ses[0]!.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': [
        'Email Sent',
        'Email Delivered',
        'Email Bounced',
        'Email Complaint Received',
        'Email Opened',
        'Email Clicked',
        'Email Rejected',
        'Email Rendering Failed',
      ],
      detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: setId }] } } },
    });
    expect(ses[0]!.Targets).toHaveLength(1);
    expect(ses[0]!.Targets[0].Arn['Fn::GetAtt'][0]).toMatch(/^OrcaChannelsEvents[0-9A-F]{8}$/);
  });

  it('SMS: the created configuration set has one SNS destination, for the event types orca records, on an encrypted topic the events function is subscribed to; no EventBridge rule', () => {
    const { template } = orcaTemplate();
    const sets = resourcesOf(template, 'AWS::SMSVOICE::ConfigurationSet').map(([, r]) => r.Properties);
    const topics = resourcesOf(template, 'AWS::SNS::Topic').filter(([id]) =>
      id.startsWith('OrcaChannelsSmsEventsTopic'),
    );
    expect(topics).toHaveLength(1);
    const [topicId, topic] = topics[0]!;
    // AWS::SMSVOICE::ConfigurationSet EventDestination: EventDestinationName, Enabled,
    // MatchingEventTypes (the API's EventType values), SnsDestination.TopicArn.
    expect(sets).toEqual([
      {
        EventDestinations: [
          {
            EventDestinationName: 'orca-sns',
            Enabled: true,
            MatchingEventTypes: [
              'TEXT_DELIVERED',
              'TEXT_SUCCESSFUL',
              'TEXT_INVALID',
              'TEXT_BLOCKED',
              'TEXT_CARRIER_BLOCKED',
              'TEXT_CARRIER_UNREACHABLE',
              'TEXT_UNREACHABLE',
              'TEXT_INVALID_MESSAGE',
              'TEXT_SPAM',
              'TEXT_TTL_EXPIRED',
              'TEXT_UNKNOWN',
            ],
            SnsDestination: { TopicArn: { Ref: topicId } },
          },
        ],
      },
    ]);
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    // The topic policy: End User Messaging (sms-voice.amazonaws.com) publishes, for this account only.
    const policies = resourcesOf(template, 'AWS::SNS::TopicPolicy')
      .map(([, p]) => p.Properties)
      .filter((p) => p.Topics.some((t: { Ref: string }) => t.Ref === topicId));
    const publish = policies
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((st: { Principal?: { Service?: string } }) => st.Principal?.Service === 'sms-voice.amazonaws.com');
    expect(publish).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    // The topic's key lets the service encrypt what it publishes.
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt']?.[0] ?? topic.Properties.KmsMasterKeyId.Ref;
    const key = Object.fromEntries(resourcesOf(template, 'AWS::KMS::Key'))[keyId]!;
    expect(
      key.Properties.KeyPolicy.Statement.filter(
        (st: { Principal?: { Service?: string } }) => st.Principal?.Service === 'sms-voice.amazonaws.com',
      ),
    ).toEqual([expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow' })]);
    // The events function is subscribed (and may be invoked by the topic).
    const subs = resourcesOf(template, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    expect(subs.filter((x) => x.TopicArn.Ref === topicId)).toEqual([
      expect.objectContaining({
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': [expect.stringMatching(/^OrcaChannelsEvents[0-9A-F]{8}$/), 'Arn'] },
      }),
    ]);
    const invoke = resourcesOf(template, 'AWS::Lambda::Permission')
      .map(([, r]) => r.Properties)
      .filter((x) => x.Principal === 'sns.amazonaws.com' && x.SourceArn?.Ref === topicId);
    expect(invoke).toHaveLength(1);
    expect(rules(template).filter((r) => r.EventPattern?.source?.[0] === 'aws.sms-voice')).toEqual([]);
  });

  it('configuration sets given: none created, no destination added to them, the rule filters on the given name', () => {
    const { template } = templateOf({
      channels: {
        email: { identity: 'news@example.com', configurationSet: 'marketing' },
        sms: { ...TEST_CHANNELS.sms, configurationSet: 'sms-marketing' },
      },
    });
    expect(resourcesOf(template, 'AWS::SES::ConfigurationSet')).toHaveLength(0);
    expect(resourcesOf(template, 'AWS::SES::ConfigurationSetEventDestination')).toHaveLength(0);
    expect(resourcesOf(template, 'AWS::SMSVOICE::ConfigurationSet')).toHaveLength(0);
    // The topic is there for the user's own destination on their set (its ARN is an output).
    expect(
      resourcesOf(template, 'AWS::SNS::Topic').filter(([id]) => id.startsWith('OrcaChannelsSmsEventsTopic')),
    ).toHaveLength(1);
    expect(Object.keys(template.toJSON().Outputs ?? {}).filter((k) => k.includes('SmsEventsTopicArn'))).toHaveLength(1);
    const ses = rules(template).find((r) => r.EventPattern?.source?.[0] === 'aws.ses')!;
    expect(ses.EventPattern.detail).toEqual({ mail: { tags: { 'ses:configuration-set': ['marketing'] } } });
  });

  it('no channel set up: no configuration set and no delivery rule (the send and events functions still exist)', () => {
    const { template } = noChannelsTemplate();
    expect(resourcesOf(template, 'AWS::SES::ConfigurationSet')).toHaveLength(0);
    expect(resourcesOf(template, 'AWS::SMSVOICE::ConfigurationSet')).toHaveLength(0);
    expect(rules(template).filter((r) => /^aws\.(ses|sms-voice)$/.test(r.EventPattern?.source?.[0]))).toEqual([]);
    expect(
      resourcesOf(template, 'AWS::SNS::Topic').filter(([id]) => id.startsWith('OrcaChannelsSmsEventsTopic')),
    ).toEqual([]);
    const fns = resourcesOf(template, 'AWS::Lambda::Function').map(([id]) => id);
    expect(fns.filter((id) => /^OrcaChannels(Send|Events)[0-9A-F]{8}$/.test(id))).toHaveLength(2);
  });
});
