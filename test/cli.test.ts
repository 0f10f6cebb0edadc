/** The CLI as a user runs it: exit codes, --json, --help, errors without stack traces. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orca } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'orca-cli-'));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('orca validate', () => {
  it('exits 0 on a valid campaign and prints a summary', async () => {
    const r = await orca(['validate', 'examples/winback.yaml']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('✓ examples/winback.yaml: valid (0 errors, 0 warnings)');
  });

  it('exits 1 with errors naming the activity and the field; --json for scripts', async () => {
    const bad = file(
      'bad.yaml',
      'id: bad\nlabel: Bad\ndimension: recipients\nactivities:\n  - { id: a, type: buildAudience, query: { attribute: contry, operator: equal, value: FR } }\n',
    );
    const r = await orca(['validate', bad, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      errors: [
        {
          activity: 'a',
          path: 'activities[0].query.attribute',
          message: "unknown attribute 'contry' on recipients. Did you mean 'country'?",
        },
      ],
      warnings: [
        {
          activity: 'a',
          path: 'activities[0]',
          message: "output 'main' goes nowhere: its population is computed and not used (add a transition, or an End)",
        },
      ],
    });
    const text = await orca(['validate', bad]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "error   activity a activities[0].query.attribute: unknown attribute 'contry' on recipients. Did you mean 'country'?",
    );
  });

  it('exits 2 when the file cannot be read or parsed, without a stack trace', async () => {
    const missing = await orca(['validate', join(tmp, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/orca: .*nope\.yaml: no such file/);
    const broken = await orca(['validate', file('broken.yaml', 'id: [unclosed\n')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml: not valid YAML \(line \d+, column \d+\)/);
    const json = await orca(['validate', file('broken.json', '{"id": ')]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/broken\.json: not valid JSON/);
    for (const r of [missing, broken, json]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('uses the given catalog, and says what is wrong with a broken one', async () => {
    const catalog = file(
      'catalog.yaml',
      'tables:\n  people:\n    primaryKey: id\n    location: people\n    columns: { id: integer, name: strin }\n',
    );
    const r = await orca(['validate', 'examples/winback.yaml', '--catalog', catalog]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tables.people.columns.name');
  });
});

describe('orca sql', () => {
  it('prints the code view in both dialects', async () => {
    const duck = await orca(['sql', 'examples/winback.yaml', '--activity', 'lapsed', '--data', '/data']);
    expect(duck.code).toBe(0);
    expect(duck.stdout).toContain(`FROM read_parquet('/data/catalog/recipients/**/*.parquet') AS t`);
    const athena = await orca([
      'sql',
      'examples/winback.yaml',
      '--activity',
      'lapsed',
      '--dialect',
      'athena',
      '--database',
      'marketing',
    ]);
    expect(athena.code).toBe(0);
    expect(athena.stdout).toContain('FROM "marketing"."recipients" AS t');
    expect(athena.stdout).toMatch(/NOT IN \(SELECT c\d+."recipient_id" FROM "marketing"."purchases" AS c\d+/);
  });

  it('explains an unknown activity or a non-query activity', async () => {
    const r = await orca(['sql', 'examples/winback.yaml', '--activity', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no activity 'nope' in examples/winback.yaml; activities: lapsed, unsubscribed");
    const fork = await orca(['sql', 'examples/winback.yaml', '--activity', 'done']);
    expect(fork.stdout).toContain("-- End 'done' runs no query (end)");
    const dialect = await orca(['sql', 'examples/winback.yaml', '--activity', 'lapsed', '--dialect', 'mysql']);
    expect(dialect.code).toBe(2);
  });
});

describe('orca', () => {
  it('has --help on every command', async () => {
    const top = await orca(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const c of commands) {
      const r = await orca([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`Usage: orca ${c}`);
    }
  });

  it('rejects an unknown command or option with exit code 2', async () => {
    expect((await orca(['frobnicate'])).code).toBe(2);
    expect((await orca(['validate', 'examples/winback.yaml', '--frob'])).code).toBe(2);
  });
});

describe('orca cost', () => {
  it('estimates one run from the compiled campaign', async () => {
    const r = await orca([
      'cost',
      'examples/winback.yaml',
      '--profiles',
      '1000000',
      '--data',
      '/nonexistent',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const line = (item: string) => j.lines.find((l: { item: string }) => l.item.startsWith(item));
    // 9 query activities x 4 + 3 flow-control x 1 on the success path, plus the run's own states.
    expect(Number(line('Step Functions').quantity)).toBeGreaterThanOrEqual(39 + 5);
    expect(line('Lambda requests').quantity).toBe('23');
    expect(j.total).toBeGreaterThan(0);
    expect(j.total).toBeLessThan(0.1);
    const text = await orca(['cost', 'examples/winback.yaml', '--profiles', '1000000', '--data', '/nonexistent']);
    expect(text.stdout).toMatch(/total per run\s+\$0\.\d{4}/);
  });
});
