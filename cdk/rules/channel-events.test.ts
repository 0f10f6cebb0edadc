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
 * - "Amazon EventBridge Events Reference — AWS End User Messaging SMS-Voice events": source
 *   aws.sms-voice, detail-type Text Message Delivery Status Updated.
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

  it('the SMS rule: source aws.sms-voice, text message delivery receipts, to the events function', () => {
    const sms = rules(orcaTemplate().template).filter((r) => r.EventPattern?.source?.[0] === 'aws.sms-voice');
    expect(sms.map((r) => r.EventPattern)).toEqual([
      { source: ['aws.sms-voice'], 'detail-type': ['Text Message Delivery Status Updated'] },
    ]);
    expect(sms[0]!.Targets[0].Arn['Fn::GetAtt'][0]).toMatch(/^OrcaChannelsEvents[0-9A-F]{8}$/);
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
    const ses = rules(template).find((r) => r.EventPattern?.source?.[0] === 'aws.ses')!;
    expect(ses.EventPattern.detail).toEqual({ mail: { tags: { 'ses:configuration-set': ['marketing'] } } });
  });

  it('no channel set up: no configuration set and no delivery rule (the send and events functions still exist)', () => {
    const { template } = noChannelsTemplate();
    expect(resourcesOf(template, 'AWS::SES::ConfigurationSet')).toHaveLength(0);
    expect(resourcesOf(template, 'AWS::SMSVOICE::ConfigurationSet')).toHaveLength(0);
    expect(rules(template).filter((r) => /^aws\.(ses|sms-voice)$/.test(r.EventPattern?.source?.[0]))).toEqual([]);
    const fns = resourcesOf(template, 'AWS::Lambda::Function').map(([id]) => id);
    expect(fns.filter((id) => /^OrcaChannels(Send|Events)[0-9A-F]{8}$/.test(id))).toHaveLength(2);
  });
});
