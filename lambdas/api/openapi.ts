/** The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas as the router. */
import { z } from 'zod';
import { errorBody } from './schemas.js';
import { version } from '../util/package.js';

/** What the document says of a route (the router's routes are these and their handlers). */
export interface DocumentedRoute {
  method: string;
  path: string;
  summary: string;
  status: number;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out. */
  optionalBody?: boolean;
  response?: z.ZodType;
  /** Refusals it may answer besides 400 (and 404 when it has path parameters, 413 with a body). */
  errors?: number[];
}

function packageVersion(): string {
  try {
    return version();
  } catch {
    return process.env.ORCA_VERSION ?? '0.0.0';
  }
}

let cached: unknown;

/** `$ref: '#/$defs/X'` (zod's, relative to each schema) as a reference to the document's components. */
function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      k === '$ref' && typeof x === 'string' ? x.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(x),
    ]),
  );
}

export function openApiDocument(routes: readonly DocumentedRoute[]): unknown {
  if (cached) return cached;
  // Named schemas (zod's `meta({ id })`) go to components.schemas, where every $ref points.
  const components: Record<string, unknown> = {};
  const schema = (s: z.ZodType, io: 'input' | 'output'): unknown => {
    const { $defs, $schema: _, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= rewriteRefs(def);
    return rewriteRefs(rest);
  };
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: 'error', content: { 'application/json': { schema: schema(errorBody, 'output') } } };
  for (const r of routes) {
    const parameters = [
      ...Object.keys(r.params?.shape ?? {}).map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: schema(r.params!.shape[name] as z.ZodType, 'input'),
      })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, s]) => ({
        name,
        in: 'query',
        required: false,
        schema: schema(s as z.ZodType, 'input'),
      })),
    ];
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${r.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: !r.optionalBody,
              content: {
                'application/json': { schema: schema(r.body, 'input') },
                'application/yaml': { schema: schema(r.body, 'input') },
              },
            },
          }
        : {}),
      responses: {
        [r.status]:
          r.status === 204
            ? { description: 'done' }
            : {
                description: 'success',
                content: { 'application/json': { schema: r.response ? schema(r.response, 'output') : {} } },
              },
        400: error,
        ...(r.params ? { 404: error } : {}),
        ...Object.fromEntries((r.errors ?? []).map((status) => [status, error])),
        ...(r.body ? { 413: error } : {}),
      },
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'orca',
      version: packageVersion(),
      description: 'Orchestrated marketing campaigns: campaigns, their life cycle, runs and monitoring.',
    },
    security: [{ sigv4: [] }],
    components: {
      schemas: components,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (IAM authorisation) in the cloud; none on the local server',
        },
      },
    },
    paths,
  };
  return cached;
}
