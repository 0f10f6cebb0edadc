/**
 * The CLI in tests: `orca` spawns bin/orca.js as a user runs it (the process tier builds dist/
 * first, see test/helpers/global-build.ts); `orcaInProcess` calls main() in the test's own process
 * for what needs no process of its own (--help, usage errors, the output and exit code of a command).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { format } from 'node:util';

export const ROOT = join(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function orca(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/orca.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * main() in this process, as `orca <args>` in ROOT with NO_COLOR: what the command prints (console,
 * process.stdout/stderr, commander's help and usage errors) is captured, and the exit code is what
 * bin/orca.js would exit with. For the commands whose behaviour is not about a process of their own
 * (a spawn costs about 0.8 s of Node start and module loading; here the modules load once per file).
 * Calls run one at a time (they replace the process's output while they run).
 */
export async function orcaInProcess(args: string[]): Promise<CliResult> {
  // As the spawned CLI gets it (cli/output.ts reads it when first imported, here or in the call).
  const noColor = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  let stdout = '';
  let stderr = '';
  const toOut = (s: string) => {
    stdout += s;
  };
  const toErr = (s: string) => {
    stderr += s;
  };
  const line =
    (to: (s: string) => void) =>
    (...a: unknown[]) =>
      to(`${format(...a)}\n`);
  const stream =
    (to: (s: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      to(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function');
      if (done) (done as () => void)();
      return true;
    };
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    out: process.stdout.write,
    err: process.stderr.write,
    cwd: process.cwd(),
  };
  console.log = line(toOut);
  console.info = line(toOut);
  console.warn = line(toErr);
  console.error = line(toErr);
  process.stdout.write = stream(toOut) as typeof process.stdout.write;
  process.stderr.write = stream(toErr) as typeof process.stderr.write;
  process.exitCode = undefined;
  if (saved.cwd !== ROOT) process.chdir(ROOT);
  try {
    const { main } = await import('../../cli/main.js');
    const code = await main(args, { writeOut: toOut, writeErr: toErr });
    return { code, stdout, stderr };
  } finally {
    Object.assign(console, { log: saved.log, info: saved.info, warn: saved.warn, error: saved.error });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = undefined;
    if (saved.cwd !== ROOT) process.chdir(saved.cwd);
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  }
}
