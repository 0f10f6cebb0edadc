/**
 * The stack the rule tests read: the repository's OrcaStack (sample catalog, example campaigns), synthesized
 * once per worker without bundling the functions (CDK's `aws:cdk:bundling-stacks` context), as
 * cdk/orca.test.ts does for the tests that read the template only.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OrcaStack } from '../stack.js';
import type { OrcaCampaignsProps } from '../orca.js';

export function testApp(): App {
  return new App({
    context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true, 'aws:cdk:bundling-stacks': [] },
  });
}

let cached: { stack: OrcaStack; template: Template } | undefined;

/** The default stack and its template (synthesized once). */
export function orcaTemplate(): { stack: OrcaStack; template: Template } {
  if (!cached) {
    const stack = new OrcaStack(testApp(), 'Orca', { orca: { alarmEmail: 'ops@example.com' } });
    cached = { stack, template: Template.fromStack(stack) };
  }
  return cached;
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
