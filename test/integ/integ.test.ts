/**
 * The integration test's snapshot, checked offline. integ-runner 2.197.10 cannot do it here: its
 * toolkit reads cloud assemblies up to schema 53, and aws-cdk-lib 2.276.0 writes schema 55
 * ("AssemblyVersionMismatch"). So this test synthesizes the integ app on fixed inputs (a fixed
 * data folder, fixed expected counts, bundling skipped) and compares both stacks with
 * test/integ/__snapshots__/. After an intended change: `npx vitest run test/integ -u`.
 *
 * It also checks what the assertions must do: start the flagship, wait for SUCCEEDED, compare
 * every transition's count.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { integApp } from './app.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'orca-integ-snapshot-'));
mkdirSync(join(dataRoot, 'catalog/recipients'), { recursive: true });
writeFileSync(join(dataRoot, 'catalog/recipients/part-0.parquet'), 'fixed content for the snapshot');
const expected = { 'lapsed-reachable': 34, 'reachable-one_per_email': 32, 'segments-vip-save_vip': 1 };
// Without CDK's built-in CloudFormation validation, as the other CDK tests (see cdk/rules/template.ts).
const validation = process.env.CDK_VALIDATION;
process.env.CDK_VALIDATION = 'false';
afterAll(() => {
  if (validation === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = validation;
});
const { app, stack } = integApp({ dataRoot, expected, context: { 'aws:cdk:bundling-stacks': [] } });
const assembly = app.synth();

/** A template without what changes from synth to synth: asset hashes, the assertions' salt (the synth time). */
function stable(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}/g, '<hash>')
      .replace(/"salt":"\d+"/g, '"salt":"<synth time>"'),
  );
}

describe('integration test stack', () => {
  it('the test case stack matches its snapshot', async () => {
    await expect(JSON.stringify(stable(Template.fromStack(stack).toJSON()), null, 1)).toMatchFileSnapshot(
      '__snapshots__/OrcaIntegTest.template.json.snap',
    );
  });

  it('the assertions stack matches its snapshot', async () => {
    const deployAssert = assembly.stacks.find((s) => s.stackName.includes('DeployAssert'));
    expect(deployAssert, 'the DeployAssert stack').toBeDefined();
    await expect(JSON.stringify(stable(deployAssert!.template), null, 1)).toMatchFileSnapshot(
      '__snapshots__/OrcaIntegDeployAssert.template.json.snap',
    );
  });

  it('starts the flagship, waits for SUCCEEDED, then compares each transition count', () => {
    const deployAssert = assembly.stacks.find((s) => s.stackName.includes('DeployAssert'))!;
    const t = Template.fromJSON(deployAssert.template);
    const calls = t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const byType = (type: string) => Object.values(calls).filter((r) => r.Type === type);
    expect(byType('Custom::DeployAssert@SdkCallSFNstartExecution')).toHaveLength(1);
    const describe = byType('Custom::DeployAssert@SdkCallSFNdescribeExecution');
    expect(describe).toHaveLength(1);
    expect(JSON.parse(String(describe[0]!.Properties.expected))).toEqual({ $ObjectLike: { status: 'SUCCEEDED' } });
    const query = byType('Custom::DeployAssert@SdkCallDynamoDBquery');
    expect(query).toHaveLength(1);
    const items = JSON.parse(String(query[0]!.Properties.expected)).$ObjectLike.Items.$ArrayWith;
    expect(items.map((i: { $ObjectLike: { sk: { S: string } } }) => i.$ObjectLike.sk.S)).toEqual(
      Object.keys(expected)
        .map((k) => `TR#${k}`)
        .sort(),
    );
  });
});
