import { z } from 'zod';
import { allRoutes } from '../../api/app';
import { ErrorBodySchema, HttpError, toHttpError } from '../../api/errors';
import { buildOpenApi, exampleOf } from '../../api/openapi';
import { defineRoute, routeResponses } from '../../api/route';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };
const doc = buildOpenApi(allRoutes(() => ({})), { version: 'test' }) as unknown as Doc;
const errorRef = { $ref: '#/components/schemas/Error' };

describe('error answers in the OpenAPI document', () => {
  it('[M1.6] every 4xx/5xx of every operation is the one Error schema, except the health check\'s own 503', () => {
    const others: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [code, res] of Object.entries(op.responses)) {
          if (Number(code) < 400 || (path === '/healthz' && code === '503')) continue;
          if (JSON.stringify(res.content?.['application/json']?.schema) !== JSON.stringify(errorRef)) others.push(`${method} ${path} ${code}`);
        }
      }
    }
    expect(others).toEqual([]);
    expect(doc.components.schemas.Error).toEqual(z.toJSONSchema(ErrorBodySchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }));
  });

  it('[M1.6] a route\'s errors follow from what it declares: a key gives 401/403, path parameters 404, a body 400/413; 503 and 504 always', () => {
    const handler = async () => ({ body: {} });
    const open = defineRoute({ method: 'get', path: '/x', summary: 's', tags: [], responses: { 200: { description: 'ok' } }, handler });
    const keyed = defineRoute({
      method: 'post', path: '/x/:id', summary: 's', tags: [], roles: ['viewer'],
      params: z.object({ id: z.string() }), body: z.object({ a: z.string() }),
      responses: { 201: { description: 'made' } }, errors: { 409: 'exists' }, handler,
    });
    expect(Object.keys(routeResponses(open))).toEqual(['200', '503', '504']);
    const r = routeResponses(keyed);
    expect(Object.keys(r)).toEqual(['201', '400', '401', '403', '404', '409', '413', '503', '504']);
    expect(r[409]).toEqual({ description: 'exists', schema: ErrorBodySchema });
    expect(doc.paths['/v1/status'].get.responses).toHaveProperty('401');
  });

  it('[M1.6] what toHttpError answers, details included, matches the Error schema', () => {
    for (const err of [new HttpError(409, 'stale', { currentVersion: 2, currentHash: 'abc' }), new HttpError(404, 'incident not found'), new Error('boom')]) {
      expect(ErrorBodySchema.strict().safeParse(toHttpError(err).body).success).toBe(true);
    }
  });
});

describe('request body examples in the OpenAPI document', () => {
  it('an example comes from the schema: its own example, enum, default, format, minimum, required properties', () => {
    const body = z.object({
      kind: z.enum(['outage', 'security']),
      at: z.iso.datetime(),
      count: z.number().int().min(2),
      notify: z.boolean().default(false),
      title: z.string().meta({ examples: ['API errors in us-east'] }),
      tags: z.array(z.string()),
      note: z.string().optional(),
    });
    const schema = z.toJSONSchema(body, { target: 'draft-2020-12', io: 'input' });
    const example = exampleOf(schema as Parameters<typeof exampleOf>[0]);
    expect(example).toEqual({ kind: 'outage', at: '2026-01-01T09:00:00.000Z', count: 2, title: 'API errors in us-east', tags: ['xxxxxx'] });
    expect(body.safeParse(example).success).toBe(true);
  });
});
