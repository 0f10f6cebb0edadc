/**
 * Every example runs end to end through the CLI, on the generated sample data: in-process (main(),
 * with its output and exit code, the modules loaded once for the file), and once in a process of
 * its own for the progress a user sees when the output is not a terminal.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orca, orcaInProcess } from './helpers/cli.js';
import { EXAMPLES } from './fixtures/examples.js';
import { sampleDataFolder } from './helpers/sample-data.js';

/** The shared sample data; runs and work tables of this file only. */
const data = sampleDataFolder('orca-e2e-');
const WAITS_FOR_CONFIRMATION = ['spring-newsletter.yaml'];

describe('examples, end to end', () => {
  for (const f of EXAMPLES) {
    // A send that waits for a confirmation runs in test mode here (prepared and counted, nothing sent).
    const test = WAITS_FOR_CONFIRMATION.includes(f) ? ['--test'] : [];
    it(`orca run examples/${f} ${test.join(' ')}`, async () => {
      const r = await orcaInProcess(['run', `examples/${f}`, '--data', data, '--json', ...test]);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.status).toBe('completed');
      expect(r.code).toBe(0);
      expect(out.activities.length).toBeGreaterThan(3);
      for (const a of out.activities) expect(['done', 'skipped']).toContain(a.status);
      expect(out.transitions.some((t: { rows: number }) => t.rows > 0)).toBe(true);
      for (const t of out.transitions)
        expect(Object.keys(t).sort()).toEqual(expect.arrayContaining(['from', 'id', 'rows', 'to']));
    });
  }

  it('status and logs read the runs back; a failed run exits 1', async () => {
    const list = await orcaInProcess(['status', '--data', data, '--json']);
    const runs = JSON.parse(list.stdout);
    expect(runs.length).toBe(EXAMPLES.length);
    const one = runs.find((r: { campaign: string }) => r.campaign === 'winback');
    const status = await orcaInProcess(['status', one.runId, '--data', data]);
    expect(status.stdout).toMatch(/✓ winback: completed in/);
    const logs = await orcaInProcess(['logs', one.runId, '--data', data, '--activity', 'lapsed', '--sql']);
    expect(logs.stdout).toMatch(/lapsed: done: main [\d,]+/);
    expect(logs.stdout).toContain('FROM read_parquet(');
    expect((await orcaInProcess(['logs', 'nope', '--data', data])).code).toBe(1);
  });

  it('run refuses an invalid campaign (1) and missing data (2) with a clear message', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'orca-empty-'));
    const missing = await orcaInProcess(['run', 'examples/winback.yaml', '--data', empty]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no data for table recipients');
    expect(missing.stderr).toContain('orca generate');
    const file = join(empty, 'broken.yaml');
    writeFileSync(
      file,
      'id: broken\nlabel: Broken\ndimension: recipients\nactivities:\n  - { id: a, type: buildAudience, query: { attribute: nope, operator: equal, value: 1 } }\n',
    );
    const invalid = await orcaInProcess(['run', file, '--data', data]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/broken\.yaml: invalid/);
    expect(invalid.stdout).toMatch(/activity a .*nope/);
  });

  it('the run shows progress line by line when the output is not a terminal, then a summary', async () => {
    const r = await orca(['run', 'examples/crosssell.yaml', '--data', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[\d+\.\ds\] running_purchases: done \(main \d+\)/);
    expect(r.stdout).toMatch(/activity\s+type\s+status\s+rows\s+time/);
    expect(r.stdout).toMatch(/✓ crosssell: completed in [\d.]+ s \(run \d{8}T\d{9}Z-[0-9a-f]{6}\)/);
  });
});
