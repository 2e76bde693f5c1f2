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

/** Every error answer points at the one Error schema of the document's components. */
function response(res: ResponseSpec) {
  const schema = res.schema === ErrorBodySchema ? { $ref: '#/components/schemas/Error' } : res.schema && jsonSchema(res.schema, 'output');
  return {
    description: res.description,
    ...(schema ? { content: { [res.contentType ?? 'application/json']: { schema } } } : res.contentType ? { content: { [res.contentType]: {} } } : {}),
  };
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
      responses: Object.fromEntries(Object.entries(routeResponses(r)).map(([code, res]) => [code, response(res)])),
    };
    if (r.streamBody) {
      op.requestBody = { required: true, description: r.streamBody.description, content: { [r.streamBody.contentType]: { schema: { type: 'string' } } } };
    }
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
    if (r.roles) {
      op.security = [{ apiKey: [] }];
      op['x-roles'] = r.roles;
      op.description = `Requires one of the roles: ${r.roles.join(', ')}.`;
    }
    (paths[openapiPath(r.path)] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Herald', version: info.version, description: 'Incident communication, one durable workflow per incident.' },
    components: {
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; its roles decide what it may do.' } },
    },
    paths,
  };
}
