import { demoCustomers } from '../../store/demo-data';
import { keys, harnessForFile } from '../support/harness';
import type { MailpitMessage } from '../support/mailpit';
import { declareIncident, emailBroadcastDone, signAll, waitForState } from '../support/incidents';

/**
 * Who receives what (M1.4, M3.3), on exactly the data set `npm start` seeds: every channel reaches
 * the audience `GET /v1/audience` reports for the incident, preferences and the severity floor
 * hold for email too, one-click unsubscribe suppresses an address for the next version, and a
 * data-breach notice the law requires reaches everyone affected, recorded per recipient.
 */

const h = harnessForFile({ data: 'demo' });

const customerAddresses = new Set(demoCustomers.flatMap((c) => c.emails ?? []).map((e) => e.toLowerCase()));

const declare = (body: Record<string, unknown>) => declareIncident(h, { summary: 'Some people cannot sign in or load the dashboard.', ...body });

async function audience(id: string) {
  const res = await h.request('GET', `/v1/audience?incident=${id}`, { key: keys.responder });
  expect(res.status).toBe(200);
  return res.body as { customers: { customerId: string; channels: string[]; emails: string[]; suppressed: string[]; override?: { overrode: string[] } }[]; legalNotice?: { regime: string } };
}

/** The customer email of one version: messages to demo customers whose Message-ID names it. */
const ofVersion = (msgs: MailpitMessage[], id: string, version: number) =>
  msgs.filter((m) => m.MessageID.includes(`${id}.v${version}.`) && customerAddresses.has(m.To[0].Address.toLowerCase()));
const addresses = (msgs: MailpitMessage[]) => msgs.map((m) => m.To[0].Address.toLowerCase()).sort();
const emailsOf = (a: Awaited<ReturnType<typeof audience>>) => a.customers.flatMap((m) => m.emails).map((e) => e.toLowerCase()).sort();

async function versionMail(id: string, version: number, expected: string[]): Promise<string[]> {
  await h.mailpit.waitForIncident(id, (m) => ofVersion(m, id, version).length >= expected.length);
  // Whatever else the broadcast sent has arrived too.
  await emailBroadcastDone(h, id, version);
  return addresses(ofVersion(await h.mailpit.forIncident(id), id, version));
}

let suppressedAddress: string;

describe('who receives what, on the demo data', () => {
  it('[M1.4, M3.3] an incident on auth emails every customer /v1/audience lists with email, transitive dependents included, and no one else; one-click unsubscribe keeps the next version from that address only', async () => {
    const id = await declare({ title: 'Sign-in failures', category: 'outage', severity: 'SEV3', components: ['auth'] });
    const reach = await audience(id);
    const expected = emailsOf(reach);
    const byId = Object.fromEntries(reach.customers.map((m) => [m.customerId, m]));
    // Acme subscribes to api and payments only, which depend on auth: reached through the graph.
    expect(byId.acme.emails).toEqual(['ops@acme.example', 'cto@acme.example']);
    // Vandelay (in-app only, floor SEV2) is not pushed a SEV3; Lumen (floor SEV3) is.
    expect(byId.vandelay).toBeUndefined();
    expect(byId.lumen.channels).toEqual(['email', 'in-app']);

    const v1 = await versionMail(id, 1, expected);
    expect(v1).toEqual(expected);

    // The real List-Unsubscribe of Hooli's email: RFC 8058 one-click.
    const hooli = ofVersion(await h.mailpit.forIncident(id), id, 1).find((m) => m.To[0].Address === 'sre@hooli.example')!;
    const headers = await h.mailpit.headers(hooli.ID);
    expect(headers['List-Unsubscribe-Post']).toEqual(['List-Unsubscribe=One-Click']);
    const url = new URL(/^<(.+)>$/.exec(headers['List-Unsubscribe'][0])![1]);
    expect(url.pathname).toMatch(/^\/v1\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    // The GET only shows a confirmation page whose form POSTs; nothing is suppressed by it.
    const page = await h.request('GET', url.pathname);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('sre@hooli.example');
    expect(page.text).toMatch(/<form method="post" action="\/v1\/unsubscribe\/[^"]+\?via=page">/);
    expect((await h.request('GET', '/v1/suppressions', { key: keys.admin })).body.suppressions).toEqual([]);

    // A forged token and a malformed one are refused with a clear answer, never a 500.
    const [payload, mac] = url.pathname.split('/').pop()!.split('.');
    const forgedPayload = Buffer.from(JSON.stringify(['ops@acme.example', 'acme', id, 1])).toString('base64url');
    const forged = await h.request('POST', `/v1/unsubscribe/${forgedPayload}.${mac}`);
    expect(forged.status).toBe(404);
    expect(forged.body.message).toMatch(/not made by Herald/);
    expect((await h.request('GET', `/v1/unsubscribe/${payload}.${mac.slice(1)}`)).status).toBe(404);
    expect((await h.request('GET', '/v1/unsubscribe/nonsense')).status).toBe(400);

    // The one-click POST, as a mail client sends it: no login.
    const posted = await fetch(`${h.baseUrl}${url.pathname}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('will get no more incident emails');
    const list = await h.request('GET', '/v1/suppressions', { key: keys.manager });
    expect(list.body.suppressions).toEqual([expect.objectContaining({ address: 'sre@hooli.example', customerId: 'hooli', source: 'one-click', incidentId: id, version: 1 })]);
    expect(list.body.events).toEqual([expect.objectContaining({ action: 'suppressed', address: 'sre@hooli.example', incidentId: id })]);
    expect((await h.request('GET', '/v1/suppressions', { key: keys.viewer })).status).toBe(403);

    // The audience says so, and the next version (the resolution) reaches everyone else.
    const after = await audience(id);
    expect(after.customers.find((m) => m.customerId === 'hooli')).toMatchObject({ emails: [], suppressed: ['sre@hooli.example'] });
    const expectedNext = emailsOf(after);
    expect(expectedNext).toEqual(expected.filter((e) => e !== 'sre@hooli.example'));
    const resolved = await h.request('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'Sign-in works again for everyone.' } });
    expect(resolved.status).toBe(202);
    const next = await waitForState(h, id, (s) => s.published.length >= 2, 'the resolution published');
    expect(await versionMail(id, next.published[1].version, expectedNext)).toEqual(expectedNext);
    suppressedAddress = 'sre@hooli.example';
  });

  it('[M1.4] preferences hold on every channel: Vandelay (in-app only) gets no SEV1 email, and is listed for in-app only', async () => {
    const id = await declare({ title: 'Dashboard down', category: 'outage', severity: 'SEV1', components: ['dashboard'] });
    const reach = await audience(id);
    expect(reach.customers.find((m) => m.customerId === 'vandelay')).toMatchObject({ channels: ['in-app'], emails: [] });
    const expected = emailsOf(reach);
    expect(expected).not.toContain('art@vandelay.example');
    await signAll(h, id, 1);
    expect(await versionMail(id, 1, expected)).toEqual(expected);
    // The in-app notice is there for Vandelay, as its preferences ask.
    const notices = await h.request('GET', '/v1/customers/vandelay/notices', { key: keys.viewer });
    expect(notices.body.notices.map((n: any) => n.incidentId)).toContain(id);
  });

  it('[M1.4] the severity floor holds for email: Lumen (floor SEV3) gets no SEV4 mail', async () => {
    const id = await declare({ title: 'Slow dashboard charts', category: 'outage', severity: 'SEV4', components: ['dashboard'] });
    const reach = await audience(id);
    expect(reach.customers.map((m) => m.customerId)).not.toContain('lumen');
    const expected = emailsOf(reach);
    expect(expected.length).toBeGreaterThan(0);
    expect(await versionMail(id, 1, expected)).toEqual(expected);
    expect((await h.request('GET', '/v1/customers/lumen/notices', { key: keys.viewer })).body.notices.map((n: any) => n.incidentId)).not.toContain(id);
  });

  it('[M1.4, M3.3] a data-breach notice the law requires reaches the unsubscribed address and the customer below its floor, each recorded with what it overrode', async () => {
    expect(suppressedAddress).toBe('sre@hooli.example');
    const id = await declare({ title: 'Exposed dashboard exports', category: 'data-breach', severity: 'SEV3', components: ['dashboard'] });
    const reach = await audience(id);
    expect(reach.legalNotice?.regime).toMatch(/GDPR/);
    const byId = Object.fromEntries(reach.customers.map((m) => [m.customerId, m]));
    expect(byId.hooli).toMatchObject({ emails: ['sre@hooli.example'], override: { overrode: ['suppression'] } });
    expect(byId.vandelay).toMatchObject({ channels: ['email'], emails: ['art@vandelay.example'], override: { overrode: ['severity-floor'] } });
    const expected = emailsOf(reach);
    await signAll(h, id, 1);
    expect(await versionMail(id, 1, expected)).toEqual(expected);

    const recipients = await h.request('GET', `/v1/incidents/${id}/email-recipients?version=1`, { key: keys.manager });
    expect(recipients.status).toBe(200);
    expect(recipients.body.legalNotice).toMatchObject({ overridden: 2 });
    const rows = Object.fromEntries(recipients.body.recipients.map((r: any) => [r.email, r]));
    expect(rows['sre@hooli.example']).toMatchObject({ status: 'sent', override: { overrode: ['suppression'] } });
    expect(rows['art@vandelay.example']).toMatchObject({ status: 'sent', override: { overrode: ['severity-floor'] } });
    expect(recipients.body.recipients.filter((r: any) => r.override)).toHaveLength(2);
    expect(rows['it@globex.example']).toMatchObject({ status: 'sent' });
    expect(rows['it@globex.example'].override).toBeUndefined();
  });
});
