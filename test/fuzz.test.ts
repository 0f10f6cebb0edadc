/**
 * A bounded fuzz suite (fast-check), in-process: the CLI's validate (a file's text to findings) and
 * every API route through the router on fake ports. Hostile input: deep and wide structures,
 * prototype keys, huge numbers, hostile strings (control characters, SQL quotes, path traversal,
 * lone surrogates, malformed escapes). Properties: nothing throws but the documented errors, no
 * 500, no stack trace in an answer, every answer is 2xx or 4xx. Seeded (ORCA_FUZZ_SEED to vary).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFile } from '../cli/load.js';
import { CliError } from '../cli/output.js';
import { validateCampaign } from '../statemachines/validate.js';
import { ROUTES } from '../lambdas/api/router.js';
import { tinyCatalog } from './fixtures/tiny.js';
import { inProcessApi } from './helpers/api-service.js';

const SEED = Number(process.env.ORCA_FUZZ_SEED ?? 20261122);
const catalog = tinyCatalog();
let thrown = 0;
const dir = mkdtempSync(join(tmpdir(), 'orca-fuzz-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz: ${thrown} hostile inputs (seed ${SEED})`);
});

const HOSTILE_STRINGS = [
  "'; DROP TABLE recipients; --",
  "O'Neil\\' OR '1'='1",
  '"; SELECT 1; --',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '/etc/passwd',
  's3://other-bucket/key',
  '\u0000\u0001\u001b[31mred\u001b[0m\r\n',
  '\ud800',
  '%',
  '%E0%A4%A',
  '%2e%2e%2f',
  '__proto__',
  'constructor',
  'toString',
  'prototype',
  'hasOwnProperty',
  ['$', '{jndi:ldap://x}'].join(''),
  '{{7*7}}',
  'NOT '.repeat(3000),
  `${'('.repeat(200)}1${')'.repeat(200)}`,
  Array(600).fill('1').join(' + '),
  'x'.repeat(70_000),
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const hugeNumber = fc.oneof(
  fc.constantFrom(1e16, -1e17, 2 ** 53 + 2, 1e300, -Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2, -0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 12 }));

/** Nests a value `levels` deep, in arrays or in objects (or alternating). */
function nest(levels: number, how: 'array' | 'object' | 'group', leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = how === 'array' ? [v] : how === 'object' ? { a: v } : { and: [v] };
  return v;
}
/**
 * Deep and wide values are generated as recipes and built in the property: a counterexample
 * stays short to print (fast-check's printer recurses).
 */
type Recipe = { deep: number; how: 'array' | 'object' | 'group' } | { wide: number; how: 'array' | 'object' };
function build(r: Recipe): unknown {
  if ('deep' in r) return nest(r.deep, r.how, { attribute: 'country', operator: 'equal', value: 'FR' });
  return r.how === 'array'
    ? Array.from({ length: r.wide }, (_, i) => i)
    : Object.fromEntries(Array.from({ length: r.wide }, (_, i) => [`k${i}`, i]));
}
const deep = fc.record({
  deep: fc.integer({ min: 30, max: 1500 }),
  how: fc.constantFrom('array' as const, 'object' as const, 'group' as const),
});
const wide = fc.record({
  wide: fc.integer({ min: 500, max: 2000 }),
  how: fc.constantFrom('array' as const, 'object' as const),
});
/** JSON-like values with hostile leaves and keys (own `__proto__` keys included, as JSON.parse makes them). */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hugeNumber,
    fc.constantFrom(null, true, false),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('v')), { maxLength: 4 }).map((entries) => {
      const o: Record<string, unknown> = {};
      for (const [k, x] of entries)
        Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
      return o;
    }),
  ),
})).v;
type Hostile = { value: unknown } | Recipe;
const anyHostile: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 4, arbitrary: hostileValue.map((value) => ({ value })) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: wide },
);
const built = (h: Hostile): unknown => ('value' in h ? h.value : build(h));

/** A valid campaign on the tiny catalog; the fuzzer replaces one part of it. */
function campaign(id = 'fuzz'): Record<string, unknown> {
  return {
    id,
    label: 'Fuzz',
    dimension: 'recipients',
    timezone: 'UTC',
    variables: { minimum: { type: 'integer', default: 1 } },
    activities: [
      { id: 'people', type: 'buildAudience', query: { attribute: 'country', operator: 'in', value: ['FR', 'GB'] } },
      {
        id: 'cut',
        type: 'split',
        subsets: [{ id: 'vip', filter: { attribute: 'vip', operator: 'equal', value: true } }],
        generateComplement: true,
      },
      { id: 'enrich', type: 'enrichment', attributes: ['email'] },
      { id: 'done', type: 'end' },
      { id: 'rest', type: 'end' },
    ],
    transitions: [
      { from: 'people', to: 'cut' },
      { from: 'cut', output: 'vip', to: 'enrich' },
      { from: 'cut', output: 'complement', to: 'rest' },
      { from: 'enrich', to: 'done' },
    ],
  };
}
/** Paths into the campaign where a hostile value goes (the last part is the key set). */
const PATHS: Array<Array<string | number>> = [
  ['id'],
  ['label'],
  ['dimension'],
  ['timezone'],
  ['trigger'],
  ['variables'],
  ['variables', 'minimum', 'default'],
  ['activities'],
  ['activities', 0],
  ['activities', 0, 'query'],
  ['activities', 0, 'query', 'value'],
  ['activities', 0, 'query', 'attribute'],
  ['activities', 0, 'query', 'expression'],
  ['activities', 1, 'subsets', 0, 'id'],
  ['activities', 1, 'subsets', 0, 'filter'],
  ['activities', 1, 'subsets', 0, 'limit'],
  ['activities', 2, 'attributes'],
  ['activities', 0, '__proto__'],
  ['activities', 1, 'constructor'],
  ['transitions'],
  ['transitions', 0, 'from'],
  ['transitions', 1, 'output'],
];
const mutation = fc.tuple(fc.constantFrom(...PATHS), anyHostile);
function mutated([path, hostile]: [Array<string | number>, Hostile]): Record<string, unknown> {
  const value = built(hostile);
  const doc = campaign();
  let at: Record<string | number, unknown> = doc;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  Object.defineProperty(at, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return doc;
}

/** What a user may read: one line per finding or answer, never a stack trace. */
const STACK = /\n\s+at .+:\d+|at Object\.|node:internal|\.ts:\d+:\d+/;

describe('fuzz: the CLI validate', () => {
  it('a hostile campaign gives findings (or a file that cannot be read), never a crash or a stack trace', () => {
    fc.assert(
      fc.property(mutation, fc.constantFrom('json', 'yaml'), (m, ext) => {
        thrown++;
        const doc = mutated(m);
        const file = join(dir, `c.${ext}`);
        // YAML is a superset of JSON: the same text read by the YAML parser.
        writeFileSync(file, JSON.stringify(doc) ?? 'null');
        try {
          const r = validateFile(file, catalog, { now: new Date('2026-11-22T12:00:00Z') });
          for (const f of [...r.errors, ...r.warnings]) {
            expect(typeof f.message).toBe('string');
            expect(f.message).not.toMatch(STACK);
          }
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          expect(e.message).not.toMatch(STACK);
        }
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('hostile text: deep YAML, runs of indicators, stray quotes and brackets', () => {
    const text = fc.oneof(
      fc.integer({ min: 1, max: 4000 }).map((n) => `${'- '.repeat(n)}x`),
      fc.integer({ min: 1, max: 4000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      fc.integer({ min: 1, max: 2000 }).map((n) => `a: ${'{b: '.repeat(n)}1${'}'.repeat(n)}`),
      fc.integer({ min: 1, max: 600 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')),
      fc.string({ maxLength: 300 }),
      fc.constantFrom('*a', '&a [*a, *a]', '!!js/function "x"', '? ? ? x', '"\\u', "'", '{', 'id: [', '%YAML 9.9\n---'),
    );
    fc.assert(
      fc.property(text, (t) => {
        thrown++;
        const file = join(dir, 'c.yaml');
        writeFileSync(file, t);
        try {
          validateFile(file, catalog);
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          expect(e.message).not.toMatch(STACK);
        }
      }),
      { numRuns: 120, seed: SEED },
    );
  });

  it('validateCampaign on any value: deep, wide, prototype keys, huge numbers', () => {
    fc.assert(
      fc.property(anyHostile, (h) => {
        thrown++;
        const r = validateCampaign(built(h), catalog);
        expect(r.valid).toBe(false);
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});

describe('fuzz: every API route', () => {
  const api = inProcessApi();

  /** Fills a route's path parameters with a hostile or an existing id. */
  const pathOf = (template: string, values: string[]) => {
    let i = 0;
    return template.replace(/\{\w+\}/g, () => {
      const v = values[i++ % values.length]!;
      try {
        return encodeURIComponent(v);
      } catch {
        // A lone surrogate cannot be encoded: send the malformed escape a client could.
        return '%ED%A0%80';
      }
    });
  };

  const request = fc.record({
    // The route's index: a counterexample prints the number, not the route's schemas.
    route: fc.nat({ max: ROUTES.length - 1 }),
    method: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    ),
    ids: fc.array(fc.oneof(fc.constantFrom('fuzz', 'run-1', 'people-vip', 'imp-1', 'recipients'), hostileString), {
      minLength: 1,
      maxLength: 2,
    }),
    query: fc.dictionary(
      fc.oneof(fc.constantFrom('limit', 'offset', 'status', 'activity', 'level', 'q', 'after'), key),
      fc.oneof(hostileString, hugeNumber.map(String)),
      { maxKeys: 3 },
    ),
    body: fc.oneof(
      mutation.map((m) => ({ mutation: m })),
      anyHostile.map((h) => ({ hostile: h })),
      fc.constant(undefined),
      hostileString.map((s) => ({ raw: s })),
      fc.record({ variables: fc.dictionary(key, fc.oneof(hugeNumber, hostileString)), testMode: fc.boolean() }),
      // The job routes' bodies: a version, an upload request, a job with a hostile part.
      fc.record({ version: fc.oneof(hugeNumber, hostileString) }),
      fc.record({ name: hostileString, size: fc.oneof(hugeNumber, fc.nat()) }),
      fc.record({ table: hostileString, source: fc.record({ file: hostileString }), columns: hostileValue }),
    ),
    type: fc.constantFrom('application/json', 'application/yaml', 'text/plain', 'application/merge-patch+json', ''),
  });

  it('answers 2xx or 4xx with a JSON error and no stack trace; the router reports no failure of its own', async () => {
    await api.call('POST', '/campaigns', campaign());
    await api.call('POST', '/campaigns/fuzz/publish');
    await api.call('POST', '/campaigns/fuzz/runs', {});
    // An import job (imp-1, running on the null platform) for the /jobs routes.
    const job = await api.call('POST', '/jobs', {
      table: 'recipients',
      key: 'id',
      source: { file: 'uploads/r.csv' },
      columns: [{ field: 'id', column: 'id' }],
    });
    expect(job.status).toBe(202);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        thrown++;
        const b = r.body as Record<string, unknown> | undefined;
        const body =
          b === undefined
            ? undefined
            : 'raw' in b
              ? String(b.raw)
              : 'mutation' in b
                ? mutated(b.mutation as [Array<string | number>, Hostile])
                : 'hostile' in b
                  ? built(b.hostile as Hostile)
                  : b;
        const route = ROUTES[r.route]!;
        const res = await api.call(r.method ?? route.method, pathOf(route.path, r.ids), body, {
          query: r.query,
          type: r.type,
        });
        expect(api.errors).toEqual([]);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
        expect(res.body).not.toMatch(STACK);
        if (res.status >= 400)
          expect(JSON.parse(res.body)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 600, seed: SEED },
    );
    expect(thrown).toBeGreaterThan(1000);
  });
});
