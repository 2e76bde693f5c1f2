import { z } from 'zod';
import { ErrorBodySchema } from './errors';
import { routeResponses, type ResponseSpec, type Route } from './route';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
}

function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(route: Route) {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

const alternativesOf = (res: ResponseSpec) => Object.fromEntries((res.alternatives ?? []).map((type) => [type, { schema: { type: 'string' } }]));

/** A 503 error answer says when to try again (api/errors.ts). */
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } };

/** Every error answer points at the one Error schema of the document's components. */
function response(res: ResponseSpec, status: number) {
  const schema = res.schema === ErrorBodySchema ? { $ref: '#/components/schemas/Error' } : res.schema && jsonSchema(res.schema, 'output');
  return {
    description: res.description,
    ...(status === 503 && res.schema === ErrorBodySchema ? { headers: retryAfter } : {}),
    ...(schema ? { content: { [res.contentType ?? 'application/json']: { schema }, ...alternativesOf(res) } } : res.contentType ? { content: { [res.contentType]: {}, ...alternativesOf(res) } } : {}),
  };
}

type JsonSchema = {
  type?: string | string[]; format?: string; enum?: unknown[]; const?: unknown; default?: unknown; examples?: unknown[];
  properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; minItems?: number;
  anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[]; minimum?: number; exclusiveMinimum?: number; minLength?: number;
};

const formatExamples: Record<string, string> = {
  'date-time': '2026-01-01T09:00:00.000Z', date: '2026-01-01', email: 'ops@example.com', uri: 'https://example.com', url: 'https://example.com', uuid: '00000000-0000-4000-8000-000000000000',
};

/**
 * An example value of a JSON schema, for the documentation page: the schema's own example
 * (zod's `.meta({ examples })`), const, default or first enum value, else one built from the type
 * (a string's format, a number's minimum, an object's required properties, or all when none is).
 */
export function exampleOf(s: JsonSchema): unknown {
  if (s.examples?.length) return s.examples[0];
  if ('const' in s) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const first = s.oneOf?.[0] ?? s.anyOf?.[0];
  if (first) return exampleOf(first);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map(exampleOf) as object[]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const props = Object.entries(s.properties ?? {});
    const shown = s.required?.length ? props.filter(([name]) => s.required!.includes(name)) : props;
    return Object.fromEntries(shown.map(([name, p]) => [name, exampleOf(p)]));
  }
  if (type === 'array') return s.items ? [exampleOf(s.items)] : [];
  if (type === 'string') return (s.format && formatExamples[s.format]) ?? 'x'.repeat(Math.max(1, Math.min(s.minLength ?? 6, 64)));
  if (type === 'integer' || type === 'number') return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
  if (type === 'boolean') return true;
  return null;
}

/** The OpenAPI 3.1 document, generated from the same route table the router is built from. */
export function buildOpenApi(routes: Route[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: r.tags,
      operationId: `${r.method}${r.path.replace(/[/:{}.]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parameters(r),
      responses: Object.fromEntries(Object.entries(routeResponses(r)).map(([code, res]) => [code, response(res, Number(code))])),
    };
    if (r.streamBody) {
      op.requestBody = { required: true, description: r.streamBody.description, content: { [r.streamBody.contentType]: { schema: { type: 'string' } } } };
    }
    if (r.body) {
      const schema = jsonSchema(r.body, 'input');
      op.requestBody = { required: true, content: { 'application/json': { schema, example: exampleOf(schema as JsonSchema) } } };
    }
    if (r.roles) {
      op.security = [{ bearerAuth: [] }];
      op['x-roles'] = r.roles;
      op.description = `Roles: ${r.roles.join(', ')} (an API key holding one of them, as \`Authorization: Bearer <key>\`).`;
    }
    (paths[openapiPath(r.path)] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Herald', version: info.version, description: 'Incident communication, one durable workflow per incident.' },
    components: {
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (`Authorization: Bearer <key>`); its roles decide what it may do.' } },
    },
    paths,
  };
}
