/**
 * The CLI as a user runs it: exit codes, --json, errors without stack traces, what it loads. What
 * a command prints and its exit code are checked in-process (main(), as bin/orca.js calls it);
 * what the built CLI loads, in a process of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { orcaInProcess as orca, ROOT } from './helpers/cli.js';

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
  // --help on every command and usage errors: in-process, in cli/main.test.ts.

  it('--help, <command> --help, validate and a command for the local server load neither DuckDB, dynalite, the AWS SDK nor the local Step Functions runner', () => {
    // An ESM resolve hook records every module resolved while main() runs these commands in one process.
    const dir = mkdtempSync(join(tmpdir(), 'orca-loads-'));
    const log = join(dir, 'resolved.txt');
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});`,
    );
    const script = `
      const { buildProgram, main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli/main.js')).href)});
      const quiet = { writeOut() {}, writeErr() {} };
      const codes = { help: await main(['--help'], quiet) };
      for (const c of buildProgram().commands.map((c) => c.name())) codes[c] = await main([c, '--help'], quiet);
      codes.validate = await main(['validate', 'examples/winback.yaml', '--json'], quiet);
      // A command for an API on loopback (none listens: exit 2) needs no SigV4 signer.
      codes.remote = await main(['campaigns', '--endpoint', 'http://127.0.0.1:9'], quiet);
      (await import('node:fs')).writeFileSync(${JSON.stringify(join(dir, 'codes.json'))}, JSON.stringify(codes));`;
    const r = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(join(dir, 'register.mjs')).href, '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    const { remote, ...codes } = JSON.parse(readFileSync(join(dir, 'codes.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(codes).length).toBeGreaterThanOrEqual(15);
    expect(new Set(Object.values(codes))).toEqual(new Set([0]));
    expect(remote).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true });
    const packages = new Set(
      [...readFileSync(log, 'utf8').matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]!),
    );
    // What validate needs was loaded (and recorded) ...
    expect(packages).toContain('commander');
    expect(packages).toContain('yaml');
    // ... and nothing of the runtime.
    const heavy = [...packages].filter((p) =>
      /^(@duckdb\/|dynalite$|@aws-sdk\/|@smithy\/|@aws-crypto\/|aws-local-stepfunctions$)/.test(p),
    );
    expect(heavy).toEqual([]);
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
