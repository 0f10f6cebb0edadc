/**
 * s3rver on loopback, in its own process: s3rver 3.7 makes listing continuation tokens with DES,
 * which Node's OpenSSL 3 only has in its legacy provider; that flag stays out of the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

export interface LocalS3 {
  s3: S3Client;
  /**
   * Stores objects as s3rver's file store keeps them (`<bucket>/<key>._S3rver_object`, see
   * STACK.md; s3rver computes the ETag when it first reads one): for seeding many objects, which
   * over HTTP costs s3rver a request each. What the code under test does still goes through HTTP.
   */
  seed(bucket: string, keys: string[], body?: string): void;
  close(): Promise<void>;
}

export async function startS3rver(buckets: string[]): Promise<LocalS3> {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  const script = `
    const S3rver = require('s3rver');
    new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(dir)}, configureBuckets: ${JSON.stringify(buckets.map((name) => ({ name })))} })
      .run().then((a) => console.log(JSON.stringify(a)));`;
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
    child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()).port));
  });
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // Without these, streamed uploads are stored with aws-chunked framing (see STACK.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    s3,
    seed(bucket, keys, body = 'x') {
      for (const key of keys) {
        const path = join(dir, bucket, `${key}._S3rver_object`);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
      }
    },
    close: async () => {
      s3.destroy();
      child.removeAllListeners('exit');
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
