/**
 * `npx cdk synth` / `npx cdk deploy`. Settings come from context (cdk.json, or -c key=value):
 * orca:catalog, orca:campaigns, orca:alarmEmail, orca:retentionDays, orca:databaseName, and the sending
 * identities (channelSettings): orca:emailIdentity, orca:emailConfigurationSet, orca:smsOriginationIdentity,
 * orca:smsConfigurationSet, orca:smsPrice, orca:pushPlatformApplication; the web console: orca:console
 * (false leaves it out), orca:consoleDomainPrefix (the hosted UI's prefix), orca:consoleThreatProtection.
 * cdk-nag's AwsSolutions checks run at synth; every accepted finding is acknowledged with a reason.
 */
import '../lambdas/util/polyfills.js';
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrcaStack } from './stack.js';
import { CampaignsInvalid } from './campaigns.js';
import { channelSettings } from './channel-settings.js';
import { ChannelSettingsInvalid } from './constructs/channels.js';
import { ConsoleUnavailable } from './constructs/console-deployment.js';
import { consoleSettings } from './console-settings.js';

const app = new App();
const ctx = (key: string): string | undefined => app.node.tryGetContext(`orca:${key}`) ?? undefined;
try {
  new OrcaStack(app, ctx('stackName') ?? 'Orca', {
    description: 'orca: orchestrated marketing campaigns on Step Functions, Athena, S3 and DynamoDB',
    orca: {
      ...(ctx('catalog') ? { catalog: resolve(ctx('catalog')!) } : {}),
      ...(ctx('campaigns') ? { campaigns: resolve(ctx('campaigns')!) } : {}),
      ...(ctx('alarmEmail') ? { alarmEmail: ctx('alarmEmail')! } : {}),
      ...(ctx('retentionDays') ? { retentionDays: Number(ctx('retentionDays')) } : {}),
      ...(ctx('databaseName') ? { databaseName: ctx('databaseName')! } : {}),
      ...(ctx('dataLakeBuckets') ? { dataLakeBuckets: ctx('dataLakeBuckets')!.split(',') } : {}),
      channels: channelSettings(ctx),
      ...consoleSettings(ctx),
    },
  });
} catch (e) {
  if (e instanceof CampaignsInvalid || e instanceof ChannelSettingsInvalid || e instanceof ConsoleUnavailable) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
