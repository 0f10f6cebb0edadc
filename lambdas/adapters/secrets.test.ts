/** GetSecretValue over a loopback server posing as Secrets Manager: the request AWS documents, signed. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { secretString } from './secrets.js';

async function fakeSecretsManager(answer: { status: number; body: unknown }) {
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, endpoint, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

describe('secretString', () => {
  it('sends GetSecretValue (JSON 1.1, X-Amz-Target), SigV4-signed for secretsmanager, and returns SecretString', async () => {
    const sm = await fakeSecretsManager({ status: 200, body: { ARN: 'arn', SecretString: 'the-link-secret' } });
    try {
      const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orca-links-AbCdEf';
      expect(await secretString(arn, { region: 'eu-west-1', credentials, endpoint: sm.endpoint })).toBe(
        'the-link-secret',
      );
      const [req] = sm.seen;
      expect(req!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      expect(req!.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(req!.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[^,]*x-amz-target/,
      );
      expect(JSON.parse(req!.body)).toEqual({ SecretId: arn });
    } finally {
      await sm.close();
    }
  });

  it('an error answer or a secret without a string is an error naming the secret', async () => {
    const denied = await fakeSecretsManager({ status: 400, body: { __type: 'AccessDeniedException' } });
    await expect(secretString('s1', { region: 'eu-west-1', credentials, endpoint: denied.endpoint })).rejects.toThrow(
      /reading the secret s1 failed: HTTP 400 .*AccessDenied/,
    );
    await denied.close();
    const binary = await fakeSecretsManager({ status: 200, body: { SecretBinary: 'AAAA' } });
    await expect(secretString('s2', { region: 'eu-west-1', credentials, endpoint: binary.endpoint })).rejects.toThrow(
      /s2 has no SecretString/,
    );
    await binary.close();
  });
});
