/**
 * The local link secret (`<data>/link-secret`): random, created on first use with mode 600, the
 * same for every process on the data folder (`orca run` signs, `orca serve` verifies). In the cloud
 * the secret comes from Secrets Manager (ORCA_LINK_SECRET_ARN).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function localLinkSecret(dataRoot: string): string {
  const file = join(resolve(dataRoot), 'link-secret');
  try {
    mkdirSync(resolve(dataRoot), { recursive: true });
    // 'wx': only the first process creates it; the others read what it wrote.
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret: remove it and a new one is made`);
  return secret;
}
