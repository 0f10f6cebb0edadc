/** GET /openapi.json is a valid OpenAPI 3.1 document (checked by a real validator), covering every route. */
import { describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROUTES } from './router.js';
import { openApiDocument } from './openapi.js';
import { inProcessApi } from '../../test/helpers/api-service.js';

describe('the OpenAPI document', () => {
  it('validates with @apidevtools/swagger-parser, every $ref resolving', async () => {
    const api = inProcessApi();
    const r = await api.call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    const doc = JSON.parse(r.body);
    expect(doc.openapi).toMatch(/^3\.1\./);
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    const refs = [...r.body.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toMatch(/^#\/components\/schemas\/[A-Za-z0-9_.-]+$/);
  });

  it('documents every route, and the query parameters of the filters', () => {
    const doc = openApiDocument(ROUTES) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    };
    for (const r of ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()]).toBeDefined();
    const query = (path: string) =>
      (doc.paths[path]!.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(query('/runs')).toEqual(['limit', 'status']);
    expect(query('/runs/{runId}/tasks')).toEqual(['activity', 'status']);
  });

  it("lists the activity statuses of a run, 'notRun' (never started: its run ended first) apart from 'skipped'", () => {
    const text = JSON.stringify(openApiDocument(ROUTES));
    const enums = [...text.matchAll(/"enum":(\[[^\]]*\])/g)].map((m) => JSON.parse(m[1]!) as string[]);
    const activity = enums.find((e) => e.includes('pending') && e.includes('done'));
    expect(activity).toEqual(expect.arrayContaining(['pending', 'running', 'done', 'failed', 'skipped', 'notRun']));
    // The tasks' filter takes it too.
    expect(enums).toContainEqual(['running', 'done', 'failed', 'skipped', 'notRun']);
  });
});
