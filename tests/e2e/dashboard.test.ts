import { harnessForFile, keys } from '../support/harness';
import { declareIncident, signAll, waitForState } from '../support/incidents';

/**
 * The executive dashboard (M4.3) on the demo data: what an executive sees of an open incident,
 * live, and the proof that the executive key reads the dashboard and changes nothing.
 */

const h = harnessForFile({ data: 'demo' });

interface Operation {
  method: string;
  path: string;
  security?: unknown[];
  'x-roles'?: string[];
}

// What the executive role may read: the dashboard, and the communication KPIs and timelines it summarises (M6.1, M6.4).
/** The dashboard and the measurements it links to: KPIs, the review timeline, recurrence, survey results. */
const dashboardRoutes = [
  'get /dashboard', 'get /v1/dashboard', 'get /v1/dashboard/events', 'get /v1/incidents/{id}/kpis', 'get /v1/incidents/{id}/recurrence',
  'get /v1/incidents/{id}/survey', 'get /v1/incidents/{id}/timeline', 'get /v1/kpis', 'get /v1/surveys',
];
/** Reads of one incident answer 404 for an incident that does not exist, to the executive as to anyone entitled. */
const perIncident = new Set(['get /v1/incidents/{id}/kpis', 'get /v1/incidents/{id}/recurrence', 'get /v1/incidents/{id}/survey', 'get /v1/incidents/{id}/timeline']);

async function operations(): Promise<Operation[]> {
  const res = await h.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  const paths = res.body.paths as Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  return Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, method, path })));
}

/** One request with the executive key; an event stream is cut once its status is in. */
async function asExecutive(method: string, path: string, body?: unknown): Promise<number> {
  const cut = new AbortController();
  const res = await fetch(`${h.baseUrl}${path}`, {
    method: method.toUpperCase(),
    headers: { authorization: `Bearer ${keys.executive}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: cut.signal,
  });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) cut.abort();
  else await res.text();
  return res.status;
}

/** The dashboard's event stream as an API client reads it: `next(ok)` answers the first snapshot, from now on, that satisfies `ok`. */
async function dashboardEvents() {
  const cut = new AbortController();
  const res = await fetch(`${h.baseUrl}/v1/dashboard/events`, { headers: { authorization: `Bearer ${keys.executive}` }, signal: cut.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(ok: (snapshot: any) => boolean): Promise<any> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (block.includes('event: snapshot') && data && ok(JSON.parse(data))) return JSON.parse(data);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += value;
      }
    },
    close: () => cut.abort(),
  };
}

describe('the executive dashboard', () => {
  it('[M4.3] the executive key reads the dashboard and the communication KPIs, nothing else: every operation of /openapi.json walked with it', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(50);
    // The dashboard's routes are the only ones the executive role is named on.
    expect(ops.filter((o) => o['x-roles']?.includes('executive')).map((o) => `${o.method} ${o.path}`).sort()).toEqual(dashboardRoutes);
    const answers: string[] = [];
    for (const op of ops) {
      const path = op.path.replace(/\{[^}]+\}/g, 'INC-demo-bogus');
      const status = await asExecutive(op.method, path, op.method === 'get' ? undefined : {});
      const route = `${op.method} ${op.path}`;
      // Every change is refused; every read that needs a key is refused but the dashboard's;
      // the public reads (the status page, the health check, the document) answer as to anyone.
      const expected = op.method !== 'get' ? '403' : perIncident.has(route) ? '404' : dashboardRoutes.includes(route) ? '200' : op.security ? '403' : 'public';
      const got = expected === 'public' ? (status !== 403 && status < 500 ? 'public' : String(status)) : String(status);
      answers.push(`${route} ${got === expected ? 'ok' : `answered ${status}, expected ${expected}`}`);
    }
    expect(answers.filter((a) => !a.endsWith(' ok'))).toEqual([]);
  });

  it('[M4.3] the executive key is refused with 403 on a POST, and nothing is declared', async () => {
    const body = { id: 'INC-exec-refused', title: 'Checkout errors', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Some payments fail.' };
    const res = await h.request('POST', '/v1/incidents', { key: keys.executive, body });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
    expect((await h.request('GET', '/v1/incidents/INC-exec-refused', { key: keys.viewer })).status).toBe(404);
  });

  it('[M4.3] shows an open incident with its impact, customers by tier, clocks, approvals and timeline; the stream delivers its publication', async () => {
    const id = await declareIncident(h, {
      title: 'Card payments fail in Europe', category: 'outage', severity: 'SEV2', components: ['payments'],
      summary: 'Some card payments fail for customers in Europe.',
    });
    await waitForState(h, id, (s) => s.status === 'awaiting-approval', `${id} awaiting approval`);
    const events = await dashboardEvents();
    try {
      const waiting = await events.next((s) => s.incidents.some((i: any) => i.id === id && i.status === 'awaiting-approval' && i.approvals.length > 0));
      const seen = waiting.incidents.find((i: any) => i.id === id);
      expect(seen).toMatchObject({
        title: 'Card payments fail in Europe', severity: 'SEV2', statusWords: 'Message waiting for approval',
        impact: { level: 'major', label: 'Major', words: 'Customers partly cannot use Payments' },
        firstMessage: { sent: false, overdue: false },
      });
      expect(seen.firstMessage.words).toMatch(/^Not yet\. Due (\d{1,2} [A-Z][a-z]{2} )?\d\d:\d\d UTC \(in \d+ min\)$/);
      expect(seen.customers.tiers.map((t: any) => t.tier)).toEqual(expect.arrayContaining(['enterprise', 'business']));
      expect(seen.customers.total).toBe(seen.customers.tiers.reduce((n: number, t: any) => n + t.count, 0));
      // The approvers the playbook names on call, each role still to sign.
      expect(seen.approvals.length).toBeGreaterThan(0);
      for (const a of seen.approvals) expect(a.holder).toMatch(/@herald\.internal$/);
      // Enterprise contracts set a notice deadline: the contractual clock runs until customers hear.
      expect(seen.clocks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'contract', overdue: false, words: expect.stringMatching(/^Contractual notice to \d+ .*customers?: due /) })]));
      expect(seen.timeline[0]).toMatchObject({ kind: 'declared', words: 'Declared by Riley Responder' });

      const json = await h.request('GET', '/v1/dashboard', { key: keys.executive });
      expect(json.status).toBe(200);
      expect(json.body.incidents.map((i: any) => i.id)).toContain(id);

      const page = await h.request('GET', '/dashboard', { key: keys.executive });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toContain(`data-incident-id="${id}"`);
      expect(page.text).toContain('Card payments fail in Europe');
      expect(page.text).toContain('Customers partly cannot use Payments');
      expect(page.text).toContain(seen.approvals[0].holder);
      expect(page.text).not.toMatch(/<form|method="post"/i);

      await signAll(h, id, 1);
      const published = await events.next((s) => s.incidents.some((i: any) => i.id === id && i.lastUpdate?.version === 1));
      const after = published.incidents.find((i: any) => i.id === id);
      expect(after).toMatchObject({ statusWords: 'Customers informed', approvals: [], firstMessage: { sent: true, overdue: false } });
      expect(after.firstMessage.words).toMatch(/^(\d{1,2} [A-Z][a-z]{2} )?\d\d:\d\d UTC, .+ after detection$/);
      expect(after.nextUpdate).toMatchObject({ overdue: false, words: expect.stringMatching(/^Due /) });
      expect(after.clocks.filter((c: any) => c.kind === 'contract')).toEqual([]);
      expect(after.timeline.map((t: any) => t.kind)).toEqual(expect.arrayContaining(['declared', 'approved', 'published']));
      expect(after.timeline.find((t: any) => t.kind === 'published').words).toBe('First external message (v1) published');
    } finally {
      events.close();
    }
  });

  it('[M4.3] a browser signs in with ?key= once: an HttpOnly SameSite=Strict cookie, the address without the key', async () => {
    const signIn = await fetch(`${h.baseUrl}/dashboard?key=${keys.executive}`, { redirect: 'manual' });
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get('location')).toBe('/dashboard');
    const cookie = signIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^herald_key=demo-executive-key; Path=\/; HttpOnly; SameSite=Strict/);
    const page = await fetch(`${h.baseUrl}/dashboard`, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'none'");
    // The cookie reads the dashboard only: any other route ignores it.
    expect((await fetch(`${h.baseUrl}/v1/incidents/INC-x`, { headers: { cookie: cookie.split(';')[0] } })).status).toBe(401);
    // Any other key is refused on the dashboard, and a wrong one does not sign in.
    expect((await h.request('GET', '/v1/dashboard', { key: keys.admin })).status).toBe(403);
    expect((await fetch(`${h.baseUrl}/dashboard?key=not-a-key`, { redirect: 'manual' })).status).toBe(401);
  });
});
