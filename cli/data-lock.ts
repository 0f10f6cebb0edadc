/**
 * One orca process at a time opens a data folder's run store: `orca serve`, `orca run` and the
 * commands that read the folder directly (`status --data`, `logs --data`) take `<data>/orca.pid`.
 * The file says which process holds the folder (its pid, its command and, for `orca serve`, the URL
 * of its API), so another command can say what to do instead. A file left by a process that no
 * longer exists (kill -9) is taken over.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './output.js';

export const LOCK_FILE = 'orca.pid';

export interface LockInfo {
  pid: number;
  command: string;
  startedAt: string;
  /** The API of the `orca serve` holding the folder. */
  url?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' && Number.isSafeInteger(info.pid) && info.pid > 0
      ? {
          pid: info.pid,
          command: String(info.command ?? 'orca'),
          startedAt: String(info.startedAt ?? ''),
          ...(typeof info.url === 'string' ? { url: info.url } : {}),
        }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a data folder held by another live orca process, or whose store or work folders are
 * files, before anything opens them.
 */
export function checkDataFolder(dataRoot: string): void {
  const held = readLock(join(dataRoot, LOCK_FILE));
  if (held && held.pid !== process.pid && alive(held.pid)) throw new CliError(inUseMessage(dataRoot, held), 2);
  if (existsSync(dataRoot) && !statSync(dataRoot).isDirectory())
    throw new CliError(`the data folder ${dataRoot} is a file; point --data at a folder`, 2);
  for (const sub of ['store', 'tmp', 'work']) {
    const p = join(dataRoot, sub);
    if (existsSync(p) && !statSync(p).isDirectory())
      throw new CliError(
        `${p} is a file, where orca keeps its ${sub === 'store' ? 'run store' : sub === 'tmp' ? 'temporary files' : 'work tables'}: move it away, or use another --data folder`,
        2,
      );
  }
}

/** What to say when another process holds the folder. */
export function inUseMessage(dataRoot: string, holder: LockInfo): string {
  const who = `${holder.command} (pid ${holder.pid}${holder.startedAt ? `, since ${holder.startedAt}` : ''})`;
  const instead = holder.url
    ? `talk to it with --endpoint ${holder.url} instead of --data, or stop it first`
    : 'wait for it to end, or use another --data folder';
  return `the data folder ${dataRoot} is in use by ${who}: ${instead}`;
}

export interface DataLock {
  /** Records the API URL of the `orca serve` holding the folder. */
  setUrl(url: string): void;
  release(): void;
}

/** Takes the data folder for this process, or refuses (exit 2) with who holds it and what to do. */
export function lockDataFolder(dataRoot: string, command: string): DataLock {
  checkDataFolder(dataRoot);
  const file = join(dataRoot, LOCK_FILE);
  mkdirSync(dataRoot, { recursive: true });
  let info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString() };
  const write = () => writeFileSync(file, `${JSON.stringify(info)}\n`);
  write();
  const release = () => {
    process.off('exit', release);
    if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return {
    setUrl(url) {
      info = { ...info, url };
      write();
    },
    release,
  };
}
