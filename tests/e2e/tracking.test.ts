import { linkSecret } from '../../config/tracking';
import { trackedLink } from '../../domain/tracking';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident } from '../support/incidents';
import { waitForValue } from '../support/wait';

/** Tracked status-page links (M2.6): the redirect counts each click in MongoDB and forwards with UTM parameters. */

const h = harnessForFile();

const declare = () =>
  declareIncident(h, { id: uniqueName('INC'), title: 'Dashboard slow', category: 'performance-degradation', severity: 'SEV4', components: ['dashboard'], summary: 'Pages load slowly.' });

const click = (url: string) => fetch(url.replace('http://status.herald.test', h.baseUrl), { redirect: 'manual' });

describe('tracked links', () => {
  it('[M2.6] counts clicks per message version, channel and segment (concurrent clicks exactly), and forwards to the status page with UTM parameters', async () => {
    const id = await declare();
    const made = await h.request('POST', `/v1/incidents/${id}/tracked-links`, { key: keys.responder, body: { channel: 'email', segment: 'enterprise', version: 1 } });
    expect(made.status).toBe(201);
    expect(made.body.url).toBe(trackedLink('http://status.herald.test', { incidentId: id, channel: 'email', segment: 'enterprise', version: 1 }, linkSecret()));

    const first = await click(made.body.url);
    expect(first.status).toBe(302);
    const location = new URL(first.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`http://status.herald.test/status/incidents/${id}`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ utm_source: 'email', utm_medium: 'enterprise', utm_campaign: id, utm_content: 'v1' });
    // It lands on the incident's page, which exists once the incident published.
    await waitForValue(async () => ((await h.request('GET', location.pathname)).status === 200 ? true : undefined), 'the incident page');

    // Ten at once: every click is its own insert, so none is lost to a racing one.
    const burst = await Promise.all(Array.from({ length: 10 }, () => click(made.body.url)));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(302));
    const inApp = trackedLink('http://status.herald.test', { incidentId: id, channel: 'in-app', segment: 'standard', version: 2 }, linkSecret());
    expect((await click(inApp)).status).toBe(302);

    const counts = await h.request('GET', `/v1/incidents/${id}/clicks`, { key: keys.manager });
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual({
      incidentId: id,
      total: 12,
      byVersion: { v1: 11, v2: 1 },
      byChannel: { email: 11, 'in-app': 1 },
      bySegment: { enterprise: 11, standard: 1 },
      rows: [
        { version: 1, channel: 'email', segment: 'enterprise', count: 11 },
        { version: 2, channel: 'in-app', segment: 'standard', count: 1 },
      ],
    });
  });

  it('[M2.6] answers 404 for a forged or foreign token and counts nothing for it', async () => {
    const id = await declare();
    const forged = trackedLink('http://status.herald.test', { incidentId: id, channel: 'email', segment: 'x', version: 1 }, 'not-our-secret');
    const res = await click(forged);
    expect(res.status).toBe(404);
    expect((await click('http://status.herald.test/r/not-a-token')).status).toBe(400);
    const counts = await h.request('GET', `/v1/incidents/${id}/clicks`, { key: keys.manager });
    expect(counts.body).toMatchObject({ total: 0, rows: [] });
  });

  it('[M2.6] keeps click counts to managers and answers 404 for unknown incidents', async () => {
    const id = await declare();
    expect((await h.request('GET', `/v1/incidents/${id}/clicks`, { key: keys.viewer })).status).toBe(403);
    expect((await h.request('GET', '/v1/incidents/INC-never-declared/clicks', { key: keys.manager })).status).toBe(404);
    expect((await h.request('POST', '/v1/incidents/INC-never-declared/tracked-links', { key: keys.responder, body: { channel: 'email', segment: 'all', version: 1 } })).status).toBe(404);
    expect((await h.request('POST', `/v1/incidents/${id}/tracked-links`, { key: keys.responder, body: { channel: 'e mail', segment: 'all', version: 0 } })).status).toBe(400);
  });
});
