import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { defineRoute } from '../route';

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 3000).unref())]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });
const Health = z.object({ ok: z.boolean(), temporal: Check, mongodb: Check, smtp: Check });

export const systemRoutes = (openapi: () => unknown) => [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Reachability of Temporal, MongoDB and SMTP',
    tags: ['system'],
    responses: { 200: { description: 'All reachable', schema: Health }, 503: { description: 'Something is unreachable', schema: Health } },
    async handler({ deps }: { deps: ApiDeps }) {
      const [temporal, mongodb, smtp] = await Promise.all([
        probe(() => deps.temporal.workflowService.getSystemInfo({})),
        probe(() => deps.store.conn.db!.admin().ping()),
        probe(() => deps.mailer.verify()),
      ]);
      const ok = temporal.ok && mongodb.ok && smtp.ok;
      return { status: ok ? 200 : 503, body: { ok, temporal, mongodb, smtp } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This API, as an OpenAPI 3.1 document generated from its zod schemas',
    tags: ['system'],
    responses: { 200: { description: 'OpenAPI document' } },
    async handler() {
      return { body: openapi() };
    },
  }),
];
