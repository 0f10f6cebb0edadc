/**
 * The sending identities a deployment is given (an SES identity, an SMS origination identity, an
 * SNS platform application), as IAM resources and as what `orca doctor` looks up. ARN formats from
 * the "Service Authorization Reference": Amazon SES v2 (identity, configuration-set), AWS End User
 * Messaging SMS and Voice V2 (phone-number, pool, sender-id, configuration-set), Amazon SNS
 * (platform application endpoints).
 */

export interface ArnScope {
  partition: string;
  region: string;
  account: string;
}

/** An SES identity: a verified domain (`example.com`) or address (`news@example.com`). */
export function sesIdentityArn(s: ArnScope, identity: string): string {
  return `arn:${s.partition}:ses:${s.region}:${s.account}:identity/${identity}`;
}

export function sesConfigurationSetArn(s: ArnScope, name: string): string {
  return `arn:${s.partition}:ses:${s.region}:${s.account}:configuration-set/${name}`;
}

export function smsConfigurationSetArn(s: ArnScope, name: string): string {
  return `arn:${s.partition}:sms-voice:${s.region}:${s.account}:configuration-set/${name}`;
}

/**
 * An SMS origination identity as End User Messaging names it: a phone number (its id `phone-…` or
 * its ARN), a pool (`pool-…` or its ARN) or a sender ID (its ARN, which carries the country:
 * `…:sender-id/<SenderId>/<IsoCountryCode>`). A bare number or sender ID is refused: IAM grants
 * SendTextMessage on the resource's ARN, which a bare value does not give.
 */
export type OriginationIdentity =
  | { kind: 'phoneNumber'; id: string }
  | { kind: 'pool'; id: string }
  | { kind: 'senderId'; senderId: string; isoCountryCode: string };

const ARN = /^arn:[a-z-]+:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool|sender-id)\/(.+)$/;

export function parseOriginationIdentity(identity: string): OriginationIdentity | { error: string } {
  const value = identity.trim();
  if (/^phone-[0-9a-zA-Z]+$/.test(value)) return { kind: 'phoneNumber', id: value };
  if (/^pool-[0-9a-zA-Z]+$/.test(value)) return { kind: 'pool', id: value };
  const m = ARN.exec(value);
  if (m) {
    if (m[1] === 'phone-number') return { kind: 'phoneNumber', id: m[2]! };
    if (m[1] === 'pool') return { kind: 'pool', id: m[2]! };
    const [senderId, isoCountryCode, ...rest] = m[2]!.split('/');
    if (senderId && isoCountryCode && rest.length === 0) return { kind: 'senderId', senderId, isoCountryCode };
  }
  return {
    error: `SMS origination identity "${identity}": give a phone number id (phone-…), a pool id (pool-…) or the ARN of a phone number, pool or sender ID (arn:aws:sms-voice:<region>:<account>:sender-id/<SenderId>/<country>)`,
  };
}

export function originationIdentityArn(s: ArnScope, o: OriginationIdentity): string {
  const base = `arn:${s.partition}:sms-voice:${s.region}:${s.account}`;
  if (o.kind === 'phoneNumber') return `${base}:phone-number/${o.id}`;
  if (o.kind === 'pool') return `${base}:pool/${o.id}`;
  return `${base}:sender-id/${o.senderId}/${o.isoCountryCode}`;
}

const PLATFORM_APP = /^arn:([a-z-]+):sns:([a-z0-9-]+):(\d{12}):app\/([A-Z_]+)\/([A-Za-z0-9_.-]+)$/;

/**
 * The endpoints of an SNS platform application (`arn:…:app/<platform>/<name>`): SNS names each
 * `arn:…:endpoint/<platform>/<name>/<id>`, and Publish to a TargetArn is authorized on it.
 */
export function platformEndpointsArn(platformApplicationArn: string): string | { error: string } {
  const m = PLATFORM_APP.exec(platformApplicationArn.trim());
  if (!m)
    return {
      error: `push platform application "${platformApplicationArn}": give its ARN (arn:aws:sns:<region>:<account>:app/<platform>/<name>)`,
    };
  return `arn:${m[1]}:sns:${m[2]}:${m[3]}:endpoint/${m[4]}/${m[5]}/*`;
}

/**
 * The SES event types orca's configuration set publishes to EventBridge ("Amazon SES API v2
 * Reference — EventDestination", MatchingEventTypes): what the events function records.
 */
export const SES_EVENT_TYPES = [
  'SEND',
  'DELIVERY',
  'BOUNCE',
  'COMPLAINT',
  'OPEN',
  'CLICK',
  'REJECT',
  'RENDERING_FAILURE',
] as const;
