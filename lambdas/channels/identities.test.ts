/** Sending identities as IAM resources: ARN formats from the "Service Authorization Reference" of each service. */
import { describe, expect, it } from 'vitest';
import {
  originationIdentityArn,
  parseOriginationIdentity,
  platformEndpointsArn,
  sesConfigurationSetArn,
  sesIdentityArn,
  smsConfigurationSetArn,
} from './identities.js';

const at = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };

describe('sending identities', () => {
  it('SES: identity/<domain or address>, configuration-set/<name>', () => {
    expect(sesIdentityArn(at, 'example.com')).toBe('arn:aws:ses:eu-west-1:123456789012:identity/example.com');
    expect(sesIdentityArn(at, 'news@example.com')).toBe('arn:aws:ses:eu-west-1:123456789012:identity/news@example.com');
    expect(sesConfigurationSetArn(at, 'orca')).toBe('arn:aws:ses:eu-west-1:123456789012:configuration-set/orca');
    expect(smsConfigurationSetArn(at, 'orca')).toBe('arn:aws:sms-voice:eu-west-1:123456789012:configuration-set/orca');
  });

  it('SMS origination identities: ids and ARNs of phone numbers, pools and sender IDs', () => {
    expect(parseOriginationIdentity('phone-0a1b2c')).toEqual({ kind: 'phoneNumber', id: 'phone-0a1b2c' });
    expect(parseOriginationIdentity(' pool-0a1b2c ')).toEqual({ kind: 'pool', id: 'pool-0a1b2c' });
    expect(parseOriginationIdentity('arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-9z')).toEqual({
      kind: 'phoneNumber',
      id: 'phone-9z',
    });
    const sender = parseOriginationIdentity('arn:aws:sms-voice:eu-west-1:123456789012:sender-id/ORCA/FR');
    expect(sender).toEqual({ kind: 'senderId', senderId: 'ORCA', isoCountryCode: 'FR' });
    expect(originationIdentityArn(at, sender as never)).toBe(
      'arn:aws:sms-voice:eu-west-1:123456789012:sender-id/ORCA/FR',
    );
    expect(originationIdentityArn(at, { kind: 'pool', id: 'pool-1' })).toBe(
      'arn:aws:sms-voice:eu-west-1:123456789012:pool/pool-1',
    );
    expect(originationIdentityArn(at, { kind: 'phoneNumber', id: 'phone-1' })).toBe(
      'arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-1',
    );
  });

  it('a bare number, a bare sender ID or a sender ID ARN without its country is refused', () => {
    for (const bad of ['+33612345678', 'ORCA', 'arn:aws:sms-voice:eu-west-1:123456789012:sender-id/ORCA'])
      expect(parseOriginationIdentity(bad)).toEqual({
        error: expect.stringContaining(`"${bad}": give a phone number id`),
      });
  });

  it('SNS: a platform application’s endpoints share its platform and name', () => {
    expect(platformEndpointsArn('arn:aws:sns:eu-west-1:123456789012:app/APNS_SANDBOX/my.app')).toBe(
      'arn:aws:sns:eu-west-1:123456789012:endpoint/APNS_SANDBOX/my.app/*',
    );
    expect(platformEndpointsArn('arn:aws:sns:eu-west-1:123456789012:alerts')).toEqual({
      error: expect.stringContaining('give its ARN (arn:aws:sns:<region>:<account>:app/<platform>/<name>)'),
    });
  });
});
