/**
 * DynamoDB on loopback for the embedded runtime: dynalite, in memory or persisted in a folder.
 *
 * dynalite itself checks no credentials and no Host, and answers any web page (CORS `*`): a page in
 * the user's browser could read and rewrite campaigns and runs. So every request must carry this
 * process's secret (a random access key id, which the SigV4 `Authorization` header names), for
 * this server's own host and port, and no `Origin` (browsers send one with every cross-site
 * request): anything else is refused before dynalite sees it.
 */
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import dynalite from 'dynalite';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../lambdas/adapters/dynamodb-store.js';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** The only credentials the store accepts (this process's secret). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

export const TABLE = 'orca';

/** Why a request to the store is refused, or undefined when it is orca's own. */
export function storeRequestRefusal(req: IncomingMessage, port: number, accessKeyId: string): string | undefined {
  if (req.headers.origin !== undefined) return 'requests from web pages are refused';
  const host = req.headers.host ?? '';
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return `requests for host '${host}' are refused`;
  const credential = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const given = Buffer.from(credential);
  const expected = Buffer.from(accessKeyId);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'the request does not carry the credentials of this orca process';
  return undefined;
}

export async function startDynalite(path?: string): Promise<LocalDynamo> {
  if (path) mkdirSync(path, { recursive: true });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  const credentials = {
    accessKeyId: `ORCA${randomBytes(16).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('hex'),
  };
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  let port = 0;
  server.on('request', (req, res) => {
    const refusal = storeRequestRefusal(req, port, credentials.accessKeyId);
    if (refusal) {
      res
        .writeHead(403, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' })
        .end(
          JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException', message: refusal }),
        );
      return;
    }
    for (const h of handlers) h(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials, maxAttempts: 3 });
  await ensureTable(client, TABLE);
  return {
    client,
    endpoint,
    credentials,
    close: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.close(() => resolve());
      }),
  };
}
