/**
 * api.ts with the cloud console's hook: every request goes through `sign` before it is sent, to the
 * deployment's API; API Gateway's own 403 (IAM refused the signed request) names the console roles.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiFailure, configureApi } from '../api.js';

afterEach(() => {
  vi.unstubAllGlobals();
  configureApi({ base: '' });
});

describe('api() with a signer', () => {
  it('sends the signed request to the configured API', async () => {
    const sent: Request[] = [];
    vi.stubGlobal('fetch', async (r: Request) => {
      sent.push(r);
      return Response.json([{ id: 'winback' }]);
    });
    configureApi({
      base: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      sign: async (r) => {
        const headers = new Headers(r.headers);
        headers.set('authorization', 'AWS4-HMAC-SHA256 signed');
        return new Request(r.url, { method: r.method, headers, body: await r.text() });
      },
    });
    expect(await api('POST', '/campaigns/winback/runs', { body: { testMode: true } })).toEqual([{ id: 'winback' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/campaigns/winback/runs');
    expect(sent[0]!.headers.get('authorization')).toBe('AWS4-HMAC-SHA256 signed');
    expect(await sent[0]!.text()).toBe('{"testMode":true}');
  });

  it('API Gateway’s 403 (no orca error body) says the console role does not allow the call', async () => {
    vi.stubGlobal('fetch', async () => Response.json({ message: 'Forbidden' }, { status: 403 }));
    configureApi({ base: 'https://abc123.execute-api.eu-west-1.amazonaws.com', sign: async (r) => r });
    const failure = await api('PUT', '/campaigns/winback', { yaml: 'id: winback' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).status).toBe(403);
    expect((failure as ApiFailure).message).toBe(
      'your console role does not allow PUT /campaigns/winback (viewers view, operators also run, editors also change campaigns)',
    );
  });

  it('an API that does not answer is named, without the local `orca serve` hint', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    configureApi({ base: 'https://abc123.execute-api.eu-west-1.amazonaws.com', sign: async (r) => r });
    await expect(api('GET', '/campaigns')).rejects.toThrow(
      'the orca API does not answer (https://abc123.execute-api.eu-west-1.amazonaws.com)',
    );
  });
});
