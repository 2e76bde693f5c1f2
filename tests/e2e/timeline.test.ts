import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, emailBroadcastDone, waitForState } from '../support/incidents';
import { waitFor } from '../support/wait';

const h = harnessForFile({ data: 'demo' });

/**
 * The review's timeline over the REST API on the demo data (M6.4): a reviewer corrects when the
 * incident was really detected, the original stays beside the correction, the lags follow it; the
 * same timeline as a page, for a manager's key and for an executive signed in at the dashboard.
 */
describe('the incident timeline for the post-incident review', () => {
  it('[M6.4] a correction of the detection time is an annotation: the original stays, the lag to the first customer message follows it, the page shows both', async () => {
    const id = await declareIncident(h, { id: uniqueName('TL'), title: 'Search is slow', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Search answers slowly.' });
    await waitForState(h, id, (s) => s.status === 'published');
    await emailBroadcastDone(h, id, 1);
    // The timeline reads the incident's summary, which the read model writes soon after.
    const before = await waitFor(() => h.request('GET', `/v1/incidents/${id}/timeline`, { key: keys.manager }), (r) => r.status === 200, `${id}'s timeline`);
    const detected = before.body.milestones.find((m: { milestone: string }) => m.milestone === 'detected');
    const firstPage = before.body.communications.customers.find((c: { channel?: string }) => c.channel === 'status-page');
    const lagOf = (body: { lags: { milestone: string; audience: string; minutes: number }[] }) => body.lags.find((l) => l.milestone === 'detected' && l.audience === 'customers')!.minutes;
    expect(lagOf(before.body)).toBe(Math.round((Date.parse(firstPage.at) - Date.parse(detected.at)) / 600) / 100);

    // The monitoring tool shows the problem began 12 minutes before Herald heard of it.
    const earlier = new Date(Date.parse(detected.at) - 12 * 60_000).toISOString();
    const note = 'Latency alert in the APM fired 12 minutes before the page';
    const annotated = await h.request('POST', `/v1/incidents/${id}/timeline/annotations`, { key: keys.manager, body: { milestone: 'detected', at: earlier, note } });
    expect(annotated.status).toBe(201);
    expect(annotated.body).toMatchObject({ milestone: 'detected', at: earlier, note, by: 'Morgan Manager', id: expect.stringMatching(/^ta-/) });

    const after = await h.request('GET', `/v1/incidents/${id}/timeline`, { key: keys.executive });
    expect(after.status).toBe(200);
    expect(after.body.milestones.find((m: { milestone: string }) => m.milestone === 'detected')).toMatchObject({ at: detected.at, correctedAt: earlier, annotations: [{ note, at: earlier }] });
    expect(lagOf(after.body)).toBe(Math.round((lagOf(before.body) + 12) * 100) / 100);

    // Refusals: a milestone not reached, a time to come, an unknown milestone, a reader's key, an unknown incident.
    const post = (body: object, key = keys.manager, on = id) => h.request('POST', `/v1/incidents/${on}/timeline/annotations`, { key, body });
    expect((await post({ milestone: 'resolved', at: earlier, note })).status).toBe(409);
    expect((await post({ milestone: 'detected', at: new Date(Date.now() + 3_600_000).toISOString(), note })).status).toBe(400);
    const unknown = await post({ milestone: 'fixed', at: earlier, note });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('milestone');
    expect((await post({ milestone: 'detected', at: earlier, note }, keys.viewer)).status).toBe(403);
    expect((await post({ milestone: 'detected', at: earlier, note }, keys.manager, `INC-${uniqueName('none')}`)).status).toBe(404);
    const kept = await h.request('GET', `/v1/incidents/${id}/timeline`, { key: keys.manager });
    expect(kept.body.milestones.find((m: { milestone: string }) => m.milestone === 'detected').annotations).toHaveLength(1);

    // The page: for a manager's key by content negotiation, for an executive by the dashboard's cookie.
    const page = await fetch(`${h.baseUrl}/v1/incidents/${id}/timeline`, { headers: { authorization: `Bearer ${keys.manager}`, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1>Search is slow</h1>');
    expect(html).toContain(`corrected to ${earlier.slice(0, 10)} ${earlier.slice(11, 19)} UTC by Morgan Manager`);
    expect(html).toMatch(/<tr data-lane="customers">.*v1 \(investigating\) on status-page/s);
    expect(html).toMatch(/<tr data-milestone="detected">.*\(corrected\)/s);
    const signIn = await fetch(`${h.baseUrl}/dashboard?key=${keys.executive}`, { redirect: 'manual' });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const dashboard = await (await fetch(`${h.baseUrl}/dashboard`, { headers: { cookie } })).text();
    expect(dashboard).toContain(`href="/v1/incidents/${id}/timeline?format=html"`);
    const viaCookie = await fetch(`${h.baseUrl}/v1/incidents/${id}/timeline?format=html`, { headers: { cookie } });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.text()).toContain('Latency alert in the APM');
  });
});
