/**
 * Tickets' transfers against a real HTTP server on loopback: what an error answer says (the API's
 * JSON, S3's XML error document: "Amazon S3 API Reference — Error responses"), a refused upload, a
 * download that breaks off, one refused or replaced by --force.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { ByteProgress } from './byte-progress.js';
import { downloadFile, refusalOf, uploadFile } from './transfer.js';

let server: Server;
let api: ApiClient;
let dir: string;
const later = () => new Date(Date.now() + 60_000).toISOString();
const progress = () =>
  new ByteProgress({ label: 'moving', done: 'moved', total: undefined, tty: false, write: () => {} });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orca-transfer-'));
  server = createServer((req, res) => {
    if (req.url === '/full') return void res.writeHead(200, { 'content-length': '5' }).end('a,b\n\n');
    if (req.url === '/short') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only a part');
      return void setTimeout(() => res.destroy(), 20);
    }
    if (req.url === '/s3-denied')
      return void res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal_error","message":"it broke"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('transfers', () => {
  it('an error answer: the API’s JSON, S3’s XML, or nothing usable', () => {
    expect(refusalOf('{"error":"not_found","message":"no ticket"}')).toEqual({
      code: 'not_found',
      message: 'no ticket',
    });
    expect(refusalOf('<Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error>')).toEqual({
      code: 'SignatureDoesNotMatch',
      message: 'bad',
    });
    expect(refusalOf('<html>gateway</html>')).toEqual({});
    expect(refusalOf('{"message":3}')).toEqual({});
  });

  it('a download: written whole; an existing file kept unless forced; one that breaks off leaves nothing', async () => {
    const out = join(dir, 'x.csv');
    const ticket = (url: string) => ({ file: 'exports/x.csv', method: 'GET' as const, url, expiresAt: later() });
    await downloadFile(api, ticket('/full'), out, false, progress(), 'again');
    expect(readFileSync(out, 'utf8')).toBe('a,b\n\n');
    await expect(downloadFile(api, ticket('/full'), out, false, progress(), 'again')).rejects.toThrow(
      /exists: pass --force to replace it/,
    );
    writeFileSync(out, 'old');
    await downloadFile(api, ticket('/full'), out, true, progress(), 'again');
    expect(readFileSync(out, 'utf8')).toBe('a,b\n\n');
    const short = join(dir, 'short.csv');
    await expect(downloadFile(api, ticket('/short'), short, false, progress(), 'again')).rejects.toMatchObject({
      code: 2,
    });
    expect(existsSync(short)).toBe(false);
    await expect(downloadFile(api, ticket('/s3-denied'), short, false, progress(), 'again')).rejects.toThrow(
      'the download of exports/x.csv was refused (HTTP 403 AccessDenied): Access Denied',
    );
  });

  it('an upload refused by the server: its status and message, exit 2 for the server’s own failure', async () => {
    const file = join(dir, 'up.csv');
    writeFileSync(file, 'id\n1\n');
    const ticket = { file: 'uploads/u/up.csv', method: 'PUT' as const, url: '/up', headers: {}, expiresAt: later() };
    await expect(uploadFile(api, ticket, file, 5, progress())).rejects.toMatchObject({
      message: 'the upload of up.csv was refused (HTTP 500 internal_error): it broke',
      code: 2,
    });
  });
});
