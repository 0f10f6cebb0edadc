/** The sending identities from CDK context (cdk.json, or `-c orca:emailIdentity=example.com`). */
import { type ChannelSettings, ChannelSettingsInvalid } from './constructs/channels.js';

export function channelSettings(ctx: (key: string) => string | undefined): ChannelSettings {
  const email = ctx('emailIdentity');
  const sms = ctx('smsOriginationIdentity');
  const push = ctx('pushPlatformApplication');
  const price = ctx('smsPrice');
  if (price !== undefined && !(Number(price) >= 0))
    throw new ChannelSettingsInvalid(`orca:smsPrice: "${price}" is not a price in USD (for example 0.00581)`);
  const emailSet = ctx('emailConfigurationSet');
  const smsSet = ctx('smsConfigurationSet');
  return {
    ...(email ? { email: { identity: email, ...(emailSet ? { configurationSet: emailSet } : {}) } } : {}),
    ...(sms
      ? {
          sms: {
            originationIdentity: sms,
            ...(smsSet ? { configurationSet: smsSet } : {}),
            ...(price !== undefined ? { pricePerMessage: Number(price) } : {}),
          },
        }
      : {}),
    ...(push ? { push: { platformApplicationArn: push } } : {}),
  };
}
