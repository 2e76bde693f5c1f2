import { createHmac } from 'node:crypto';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { declareIncident, signAll } from '../support/incidents';
import { waitFor } from '../support/wait';

/**
 * Support tickets from Zendesk and Intercom (M6.2) through the public API on the demo data set:
 * the desks' signed webhooks, as they send them, matched to the incident; a surge while nothing
 * has been published flagged as a coverage gap; the rate after the first message.
 */
const h = harnessForFile({ data: 'demo' });

// The demo defaults of config/tickets.ts (production sets HERALD_ZENDESK_WEBHOOK_SECRET, HERALD_INTERCOM_CLIENT_SECRET).
const zendeskSecret = 'dev-zendesk-secret';
const intercomSecret = 'dev-intercom-secret';

async function post(path: string, raw: string, headers: Record<string, string>) {
  const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  return { status: res.status, body: (await res.json()) as any };
}

function zendesk(body: unknown, secret = zendeskSecret) {
  const raw = JSON.stringify(body);
  const ts = new Date().toISOString();
  const sig = createHmac('sha256', secret).update(ts + raw).digest('base64');
  return post('/v1/tickets/zendesk', raw, { 'x-zendesk-webhook-signature': sig, 'x-zendesk-webhook-signature-timestamp': ts });
}

function intercom(body: unknown, secret = intercomSecret) {
  const raw = JSON.stringify(body);
  return post('/v1/tickets/intercom', raw, { 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}` });
}

const zendeskTicket = (id: string, email: string, description: string) => ({
  ticket: { id, subject: 'Public API errors', description, created_at: new Date().toISOString(), requester_email: email, organization: '', tags: 'api urgent' },
});

const intercomConversation = (id: string, email: string) => ({
  type: 'notification_event', app_id: 'abc123', topic: 'conversation.user.created', id: `notif_${id}`, created_at: Math.floor(Date.now() / 1000),
  data: { type: 'notification_event_data', item: { type: 'conversation', id, created_at: Math.floor(Date.now() / 1000), source: { type: 'conversation', subject: '', body: '<p>Our API calls time out</p>', author: { type: 'user', id: 'u1', email } } } },
});

describe('support-ticket correlation', () => {
  it('[M6.2] takes signed Zendesk and Intercom webhooks, refuses bad signatures (401) and bodies (400), strips personal data, matches the tickets to the incident and flags the surge during the silent gap', async () => {
    const id = await declareIncident(h, { id: uniqueName('TIX'), title: 'Public API errors', category: 'outage', severity: 'SEV2', components: ['api'], summary: 'API requests fail.' });
    // Tickets match incidents from the read model; the incident's summary is written shortly after it starts.
    await waitFor(() => h.store.models.IncidentSummary.findOne({ _id: id }).lean(), (s) => !!s, `the summary of ${id}`);
    const run = uniqueName('t');

    const bad = await zendesk(zendeskTicket(`${run}-x`, 'ops@acme.example', 'x'), 'not-the-secret');
    expect(bad.status).toBe(401);
    expect((await post('/v1/tickets/zendesk', '{}', {})).status).toBe(401);
    expect((await intercom(intercomConversation(`${run}-x`, 'ops@acme.example'), 'wrong')).status).toBe(401);
    const badBody = await zendesk({ ticket: { id: 'no-date' } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.issues.length).toBeGreaterThan(0);

    // Acme (enterprise) writes in: three Zendesk tickets and one Intercom conversation, before anything is published (SEV2 waits for approval).
    const first = await zendesk(zendeskTicket(`${run}-1`, 'ops@acme.example', 'Dana Whitfield said to write. Call me on +1 415 555 0199 or jane.roe@acme.example'));
    expect(first.status).toBe(202);
    expect(first.body.ticket).toMatchObject({
      ticketId: `zendesk:${run}-1`, incidentId: id, matchReasons: ['time', 'component', 'customer'], customerId: 'acme', segment: 'enterprise', components: ['api'],
      text: '[name removed] said to write. Call me on [phone removed] or [email removed]', redactions: { name: 1, phone: 1, email: 1 }, duplicate: false,
    });
    for (const n of [2, 3]) expect((await zendesk(zendeskTicket(`${run}-${n}`, 'cto@acme.example', 'API down'))).status).toBe(202);
    const ic = await intercom(intercomConversation(`${run}-4`, 'ops@acme.example'));
    expect(ic.status).toBe(202);
    expect(ic.body.ticket).toMatchObject({ ticketId: `intercom:${run}-4`, incidentId: id, customerId: 'acme', segment: 'enterprise', text: 'Our API calls time out' });
    // A repeated delivery is stored once; Intercom's ping carries no ticket.
    expect((await zendesk(zendeskTicket(`${run}-3`, 'cto@acme.example', 'API down'))).body.ticket.duplicate).toBe(true);
    expect((await intercom({ ...intercomConversation(`${run}-5`, 'x@y.example'), topic: 'ping' })).body).toEqual({ received: true, ignored: 'topic ping carries no new ticket' });
    const stored = JSON.stringify(await h.store.models.Ticket.find({ incidentId: id }).lean());
    for (const secret of ['jane.roe', '555 0199', 'Dana Whitfield']) expect(stored).not.toContain(secret);

    const report = await h.request('GET', `/v1/incidents/${id}/tickets`, { key: keys.viewer });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ incidentId: id, bucketMinutes: 5, tickets: 4, marks: [], deltas: [] });
    const surging = report.body.buckets.filter((b: any) => b.surging.length);
    expect(surging).toHaveLength(1);
    expect(surging[0]).toMatchObject({ tickets: 4, bySegment: { enterprise: 4 }, surging: ['enterprise'], silent: true });
    expect(report.body.gaps).toEqual([{
      from: surging[0].start, to: new Date(Date.parse(surging[0].start) + 5 * 60_000).toISOString(), tickets: 4, surgingSegments: ['enterprise'],
      // The demo audience of the API: enterprise, business and standard customers, none told anything yet.
      segmentsWithoutMessage: ['business', 'enterprise', 'standard'],
    }]);

    // The first message goes out; the report marks it, and the rate around it.
    await signAll(h, id, 1);
    await waitFor(() => h.request('GET', `/v1/incidents/${id}/tickets`, { key: keys.viewer }), (r) => r.body.marks.length === 1 && Object.keys(r.body.firstMessageBySegment).length > 0, 'the first publication in the ticket report');
    expect((await zendesk(zendeskTicket(`${run}-6`, 'ops@acme.example', 'Thanks for the update'))).status).toBe(202);
    const after = await h.request('GET', `/v1/incidents/${id}/tickets`, { key: keys.viewer });
    expect(after.body.firstMessageBySegment).toHaveProperty('enterprise');
    expect(after.body.deltas).toEqual([expect.objectContaining({ version: 1, ratePerBucketBefore: 0.67, ratePerBucketAfter: 0.17, change: -0.5 })]);
  }, 60_000);

  it('[M6.2] takes generic tickets with a Herald key only, and answers an unknown incident 404', async () => {
    const body = { externalId: uniqueName('g'), customerId: 'globex', text: 'Dashboard is slow' };
    expect((await h.request('POST', '/v1/tickets', { body })).status).toBe(401);
    expect((await h.request('POST', '/v1/tickets', { key: keys.viewer, body })).status).toBe(403);
    const ok = await h.request('POST', '/v1/tickets', { key: keys.responder, body });
    expect(ok.status).toBe(202);
    expect(ok.body.ticket).toMatchObject({ source: 'generic', customerId: 'globex', segment: 'business' });
    expect((await h.request('POST', '/v1/tickets', { key: keys.responder, body: { ...body, customerId: 'nobody' } })).status).toBe(404);
    expect((await h.request('GET', '/v1/incidents/INC-NOPE-404/tickets', { key: keys.viewer })).status).toBe(404);
  });
});
