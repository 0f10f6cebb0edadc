/**
 * `orca validate` refuses what publishing refuses: a campaign the compiler cannot fit in one Step
 * Functions state machine ("AWS Step Functions Developer Guide — Service quotas": a definition is
 * at most 1 MB) is an error of validation too, with the limit named, and exit 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capture } from '../../../test/helpers/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'orca-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** n independent branches of two activities each: 2n activities, one Parallel branch each. */
function branches(n: number): string {
  const activities = Array.from({ length: n }, (_, k) => [
    { id: `b${k}`, type: 'buildAudience', query: { attribute: 'country', operator: 'equal', value: 'FR' } },
    { id: `e${k}`, type: 'end' },
  ]).flat();
  const transitions = Array.from({ length: n }, (_, k) => ({ from: `b${k}`, to: `e${k}` }));
  const file = join(dir, `branches-${n}.json`);
  writeFileSync(file, JSON.stringify({ id: 'tiny', label: 'Tiny', dimension: 'recipients', activities, transitions }));
  return file;
}

describe('orca validate compiles a valid campaign', () => {
  it('a state machine over 1 MB is an error naming the limit, exit 1', async () => {
    const r = await capture(['validate', branches(250), '--catalog', 'examples/catalog.yaml', '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as { valid: boolean; errors: Array<{ message: string }> };
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.message).toMatch(/over Step Functions' limit of 1 MB per definition: split the campaign/);
  });

  it('the same shape at a size that fits is valid', async () => {
    const r = await capture(['validate', branches(10), '--catalog', 'examples/catalog.yaml', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, errors: [] });
    expect(r.code).toBe(0);
  });
});
