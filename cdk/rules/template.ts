/**
 * The stack the CDK tests read (cdk/orca.test.ts, cdk/rules, test/iam.test.ts): the repository's
 * OrcaStack (sample catalog, example campaigns, an alarm address and a retention other than the
 * default), synthesized once per worker and shared by the files (their project is not isolated).
 *
 * Test apps skip what the template does not depend on: bundling the functions (CDK's
 * `aws:cdk:bundling-stacks` context; cdk/orca.test.ts bundles one function with the construct's
 * esbuild options, and `cdk synth` in CI bundles them all) and CDK's
 * built-in CloudFormation validation, whose findings are only warnings in an app that does not set
 * `@aws-cdk/core:validateAgainstDefaultRules` (orca's does not) and which costs seconds of start-up
 * per worker.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OrcaStack } from '../stack.js';
import type { OrcaCampaignsProps } from '../orca.js';

/** An app as cdk.json configures it, without bundling and without the built-in validation. */
export function testApp(): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: {
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      'aws:cdk:bundling-stacks': [],
    },
  });
}

/** The sending identities of the shared stack: one of each kind (a domain, a pool, an FCM application). */
export const TEST_CHANNELS = {
  email: { identity: 'example.com' },
  sms: { originationIdentity: 'pool-0123456789abcdef0123456789abcdef' },
  push: { platformApplicationArn: 'arn:aws:sns:eu-west-1:123456789012:app/GCM/orca-app' },
};

/** The settings of the shared stack. */
export const ORCA_TEST_PROPS = { alarmEmail: 'ops@example.com', retentionDays: 45, channels: TEST_CHANNELS } as const;

let cached: { stack: OrcaStack; template: Template } | undefined;

/** The shared stack and its template (synthesized once per worker). */
export function orcaTemplate(): { stack: OrcaStack; template: Template } {
  if (!cached) {
    const stack = new OrcaStack(testApp(), 'Orca', { orca: ORCA_TEST_PROPS });
    cached = { stack, template: Template.fromStack(stack) };
  }
  return cached;
}

let bare: { stack: OrcaStack; template: Template } | undefined;

/** The stack with no sending identity (the default of OrcaCampaigns), synthesized once per worker. */
export function noChannelsTemplate(): { stack: OrcaStack; template: Template } {
  bare ??= templateOf({ ...ORCA_TEST_PROPS, channels: {} });
  return bare;
}

/** A stack with other settings, synthesized afresh. */
export function templateOf(orca: Partial<OrcaCampaignsProps>): { stack: OrcaStack; template: Template } {
  const stack = new OrcaStack(testApp(), 'Orca', { orca });
  return { stack, template: Template.fromStack(stack) };
}

/** The resources of a type, by logical id (as aws-cdk-lib/assertions types them). */
export function resourcesOf(template: Template, type: string) {
  return Object.entries(template.findResources(type));
}
