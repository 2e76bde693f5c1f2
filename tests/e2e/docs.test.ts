import { parse } from 'node-html-parser';
import { harnessForFile } from '../support/harness';

/**
 * The API's documentation page on the demo data: /docs is rendered in the browser by Scalar,
 * whose bundle Herald serves itself from the npm package (no CDN), from the same /openapi.json
 * whose security scheme and per-operation roles tell a reader which key each call needs.
 */

const h = harnessForFile({ data: 'demo', worker: false });

interface Operation {
  description?: string;
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
  requestBody?: { content: Record<string, { example?: unknown }> };
}

describe('the API documentation page', () => {
  it('/docs loads its renderer from Herald, scripts from nowhere else, and points it at /openapi.json', async () => {
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const scripts = parse(res.text).querySelectorAll('script').map((s) => s.getAttribute('src'));
    expect(scripts).toEqual(['/docs/assets/scalar.js', '/docs/assets/init.js']);
    for (const src of scripts) {
      const js = await h.request('GET', src!);
      expect([src, js.status, js.headers.get('content-type')]).toEqual([src, 200, 'text/javascript; charset=utf-8']);
    }
    expect((await h.request('GET', '/docs/assets/scalar.js')).text.length).toBeGreaterThan(1_000_000);
    expect((await h.request('GET', '/docs/assets/init.js')).text).toContain('"url":"/openapi.json"');
  });

  it('/openapi.json declares the bearer key, and every operation with roles asks for it and names its roles', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body as { components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, Operation>> };
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ name: `${method} ${path}`, ...op })));
    const keyed = ops.filter((op) => op['x-roles']);
    expect(keyed.length).toBeGreaterThan(50);
    const wrong = keyed.filter((op) => JSON.stringify(op.security) !== JSON.stringify([{ bearerAuth: [] }]) || !op.description?.startsWith(`Roles: ${op['x-roles']!.join(', ')}`));
    expect(wrong.map((op) => op.name)).toEqual([]);
    expect(ops.find((op) => op.name === 'get /docs')).not.toHaveProperty('security');
    const withoutExample = ops.filter((op) => op.requestBody?.content['application/json'] && op.requestBody.content['application/json'].example === undefined);
    expect(withoutExample.map((op) => op.name)).toEqual([]);
  });
});
