/** config.json: a deployment's settings, or none (`orca serve` answers index.html for every /ui/ path). */
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config.js';

const CONFIG = {
  apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: '1example23456789',
  identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
  cognitoDomain: 'https://orca-123456789012-abcd1234.auth.eu-west-1.amazoncognito.com',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/ui/',
};

const answer = (status: number, body: string, type: string) =>
  (async () => new Response(body, { status, headers: { 'content-type': type } })) as unknown as typeof fetch;

describe('config.json', () => {
  it('a deployment’s config.json, read beside the page', async () => {
    let asked = '';
    const fetcher = (async (url: string) => {
      asked = url;
      return new Response(JSON.stringify(CONFIG), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    expect(await loadConfig('/ui/', fetcher)).toEqual(CONFIG);
    expect(asked).toBe('/ui/config.json');
  });

  it('none under `orca serve`: index.html (text/html) instead, so the console calls its own origin unsigned', async () => {
    expect(
      await loadConfig('/ui/', answer(200, '<!doctype html><html></html>', 'text/html; charset=utf-8')),
    ).toBeUndefined();
    expect(await loadConfig('/ui/', answer(404, 'no', 'text/plain'))).toBeUndefined();
    expect(
      await loadConfig('/ui/', (async () => {
        throw new TypeError('offline');
      }) as unknown as typeof fetch),
    ).toBeUndefined();
    expect(await loadConfig('/ui/', answer(200, '{not json', 'application/json'))).toBeUndefined();
  });

  it('a config missing a key, or with a URL that is not https, is not one', () => {
    expect(parseConfig(CONFIG)).toEqual(CONFIG);
    const { clientId: _, ...partial } = CONFIG;
    expect(parseConfig(partial)).toBeUndefined();
    expect(parseConfig({ ...CONFIG, apiUrl: 'http://abc123.execute-api.eu-west-1.amazonaws.com/' })).toBeUndefined();
    expect(parseConfig({ ...CONFIG, region: '' })).toBeUndefined();
    expect(parseConfig(null)).toBeUndefined();
    // Extra keys are dropped.
    expect(parseConfig({ ...CONFIG, extra: 1 })).toEqual(CONFIG);
  });
});
