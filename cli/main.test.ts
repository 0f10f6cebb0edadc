/** The command line in-process: --help on every command and usage errors need no process of their own. */
import { describe, expect, it } from 'vitest';
import { orcaInProcess as orca } from '../test/helpers/cli.js';

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
