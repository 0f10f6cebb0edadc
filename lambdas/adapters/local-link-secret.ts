/**
 * The local link secret (`<data>/link-secret`): random, created on first use, readable by its owner
 * only (mode 600). What signs the links locally (the sender) and what verifies them (`orca serve`'s
 * public routes) read the same file. It is written whole to a temporary file and then hard-linked
 * into place, which fails when the file exists: of two processes creating it at once one wins, and
 * neither ever reads a half-written secret.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function localLinkSecret(dataRoot: string): string {
  const path = join(dataRoot, 'link-secret');
  mkdirSync(dataRoot, { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${path} holds no usable link secret (at least 32 characters); delete it`);
  return secret;
}
