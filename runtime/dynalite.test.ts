/** The embedded run store answers orca's own process only: its secret, its host, no web page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite, TABLE, type LocalDynamo } from './dynalite.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

describe('the embedded run store', () => {
  it("answers orca's own client", async () => {
    expect((await dynamo.client.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
  });

  it('refuses a client with any other credentials (dynalite alone accepts anything)', async () => {
    const other = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    await expect(other.send(new ListTablesCommand({}))).rejects.toThrow(/credentials of this orca process/);
    other.destroy();
  });

  it('refuses what a web page can send: a preflight, a request with an Origin, another Host', async () => {
    const preflight = await fetch(dynamo.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // Even with the secret (a page cannot know it): the Origin alone is enough to refuse.
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      'x-amz-date': '20260101T000000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=${dynamo.credentials.accessKeyId}/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    };
    const post = await fetch(dynamo.endpoint, {
      method: 'POST',
      headers: { ...headers, origin: 'https://evil.example' },
      body: '{}',
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('requests from web pages are refused');
    const allowed = await fetch(dynamo.endpoint, { method: 'POST', headers, body: '{}' });
    expect(await allowed.json()).toEqual({ TableNames: [TABLE] });
    // DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends its own host name.
    const port = Number(new URL(dynamo.endpoint).port);
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = request(
        { host: '127.0.0.1', port, method: 'POST', headers: { ...headers, host: `evil.example:${port}` } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      r.on('error', reject);
      r.end('{}');
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain("requests for host 'evil.example");
  });
});
