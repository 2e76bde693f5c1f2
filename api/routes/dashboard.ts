import { z } from 'zod';
import { pageKeyCookie } from '../auth';
import { dashboardPage, dashboardSnapshot, followDashboard } from '../dashboard';
import { defineRoute } from '../route';

/**
 * The executive dashboard (M4.3): read-only, for the `executive` role alone. A browser signs in
 * once with `/dashboard?key=…`, which keeps the key in an HttpOnly, SameSite=Strict cookie that
 * only these three GET routes and the review timeline (api/routes/timeline.ts, a GET) read; API
 * clients send the key as on every other route.
 */

const Moment = z.object({ at: z.string(), words: z.string(), overdue: z.boolean() });
const DashboardSchema = z.object({
  generatedAt: z.string(),
  openIncidents: z.number().int(),
  incidents: z.array(z.object({
    id: z.string(),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    statusWords: z.string(),
    impact: z.object({ level: z.string(), label: z.string(), words: z.string() }),
    customers: z.object({ total: z.number().int(), tiers: z.array(z.object({ tier: z.string(), count: z.number().int() })) }),
    detectedAt: z.string(),
    sinceDetection: z.string(),
    firstMessage: Moment.extend({ sent: z.boolean() }),
    lastUpdate: Moment.extend({ version: z.number().int() }).optional(),
    nextUpdate: Moment.optional(),
    approvals: z.array(z.object({ role: z.string(), roleWords: z.string(), holder: z.string(), backup: z.string().optional() })),
    clocks: z.array(z.object({ kind: z.enum(['contract', 'regulatory']), words: z.string(), overdue: z.boolean(), dueAt: z.string().optional() })),
    timeline: z.array(z.object({ at: z.string(), time: z.string(), kind: z.string(), words: z.string() })),
  })),
});

const PageQuery = z.object({ key: z.string().optional().describe('An executive key: kept in an HttpOnly cookie, and the address redirects to itself without it') });
const EventsQuery = z.object({ format: z.enum(['json', 'html']).default('json').describe('`html`: each snapshot carries the incidents as the page renders them') });

/** Answers of the page: never cached, never framed, no form may post anywhere. */
const pageHeaders = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export const dashboardRoutes = [
  defineRoute({
    method: 'get',
    path: '/dashboard',
    summary: 'The executive dashboard: every open incident, live (HTML)',
    tags: ['dashboard'],
    roles: ['executive'],
    page: true,
    query: PageQuery,
    responses: {
      200: { description: 'The page', contentType: 'text/html' },
      302: { description: 'Signed in: the key is kept in an HttpOnly cookie, and the page reloads without it in its address' },
    },
    async handler({ query, deps }) {
      if (query.key !== undefined) {
        const secure = deps.publicUrl.startsWith('https:') ? '; Secure' : '';
        return {
          status: 302, body: '', contentType: 'text/plain',
          headers: { Location: '/dashboard', 'Cache-Control': 'no-store', 'Set-Cookie': `${pageKeyCookie}=${encodeURIComponent(query.key)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200${secure}` },
        };
      }
      return { body: dashboardPage(await dashboardSnapshot(deps.store)), contentType: 'text/html', headers: pageHeaders };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/dashboard',
    summary: 'The executive dashboard as data: every open incident with its clocks, approvals and timeline',
    tags: ['dashboard'],
    roles: ['executive'],
    page: true,
    responses: { 200: { description: 'Open incidents, most severe first', schema: DashboardSchema } },
    async handler({ deps }) {
      return { body: await dashboardSnapshot(deps.store), headers: { 'Cache-Control': 'no-store' } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/dashboard/events',
    summary: 'The executive dashboard live (Server-Sent Events): a `snapshot` event at once and whenever an open incident changes',
    tags: ['dashboard'],
    roles: ['executive'],
    page: true,
    query: EventsQuery,
    responses: { 200: { description: 'An event stream: `snapshot` events (data: the dashboard as JSON), a heartbeat comment every 15 s', contentType: 'text/event-stream' } },
    async handler({ query, deps }) {
      return {
        body: undefined, contentType: 'text/event-stream',
        headers: { 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
        stream: (out) => followDashboard(deps.store, out, query.format),
      };
    },
  }),
];
