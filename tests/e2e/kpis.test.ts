import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, emailBroadcastDone, waitForState } from '../support/incidents';
import { waitFor } from '../support/wait';

const h = harnessForFile({ worker: true, data: 'demo' });

describe('communication KPIs and the timeline over the REST API', () => {
  it('[M6.1, M6.4] a demo SEV3: time to first message within the deadline, inquiries, status traffic, JSON and CSV, aggregate without drills; its timeline lanes', async () => {
    const id = await declareIncident(h, { id: uniqueName('KPI'), title: 'Checkout errors', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Some payments fail.' });
    await waitForState(h, id, (s) => s.status === 'published');
    await emailBroadcastDone(h, id, 1);
    for (let i = 0; i < 3; i++) expect((await h.request('GET', `/status/incidents/${id}`)).status).toBe(200);
    expect((await h.request('GET', '/api/v2/summary.json')).status).toBe(200);
    for (const text of ['Is checkout down?', 'Payments fail for us']) {
      expect((await h.request('POST', `/v1/incidents/${id}/inquiries`, { key: keys.responder, body: { source: 'support', text } })).status).toBe(201);
    }

    const k = await waitFor(() => h.request('GET', `/v1/incidents/${id}/kpis`, { key: keys.manager }), (r) => r.status === 200 && r.body.channels?.email !== undefined, 'the KPIs with the email delivery');
    const summary = await waitFor(() => h.store.models.IncidentSummary.findById(id).lean(), (s) => !!s?.firstExternalMessageAt, 'the summary');
    const expected = Math.round((Date.parse(summary!.firstExternalMessageAt!) - Date.parse(summary!.detectedAt)) / 600) / 100;
    expect(k.body.timeToFirstMessage).toMatchObject({ minutes: expected, withinDeadline: true });
    expect(k.body.timeToFirstMessage.deadlineMinutes).toBeGreaterThan(0);
    expect(k.body.cadence).toMatchObject({ measured: 0, adherence: null, graceMinutes: 3 });
    expect(k.body.cadence.longestSilenceMinutes).toBe(expected);
    expect(k.body.inquiries).toMatchObject({ total: 2, peakPerHour: 2 });
    // Three reads of the incident's own page, and the summary.json read in its window.
    expect(k.body.statusTraffic.byRoute['/status/incidents/:id']).toBe(3);
    expect(k.body.statusTraffic.byRoute['/api/v2/summary.json']).toBeGreaterThanOrEqual(1);
    expect(k.body.recurrence.recurring).toBe(false);

    const csv = await h.request('GET', `/v1/incidents/${id}/kpis?format=csv`, { key: keys.executive });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, row] = csv.text.trim().split('\r\n');
    const cols = header.split(',');
    expect(row.split(',')[cols.indexOf('inquiries.total')]).toBe('2');

    const all = await h.request('GET', '/v1/kpis?by=severity&severity=SEV3', { key: keys.manager });
    expect(all.status).toBe(200);
    expect(all.body.groups.map((g: { key: string }) => g.key)).toEqual(['SEV3']);
    expect(all.body.overall.timeToFirstMessage.measured).toBeGreaterThanOrEqual(1);
    expect(all.body.overall.inquiries.total).toBeGreaterThanOrEqual(2);

    // A drill is left out unless asked for.
    await h.store.models.IncidentSummary.updateOne({ _id: id }, { $set: { drill: true } });
    const without = await h.request('GET', '/v1/kpis?by=category', { key: keys.manager });
    const withDrills = await h.request('GET', '/v1/kpis?by=category&drills=include', { key: keys.manager });
    expect(withDrills.body.incidents).toBe(without.body.incidents + 1);

    const t = await h.request('GET', `/v1/incidents/${id}/timeline`, { key: keys.manager });
    expect(t.status).toBe(200);
    expect(t.body.milestones.map((m: { milestone: string }) => m.milestone)).toEqual(['detected', 'declared']);
    expect(t.body.communications.customers.map((c: { channel?: string }) => c.channel)).toEqual(expect.arrayContaining(['status-page', 'email']));
    expect(t.body.lags.find((l: { milestone: string; audience: string }) => l.milestone === 'detected' && l.audience === 'customers').minutes).toBeGreaterThanOrEqual(0);

    expect((await h.request('GET', '/v1/kpis', { key: keys.responder })).status).toBe(403);
    expect((await h.request('GET', '/v1/kpis?by=nope', { key: keys.manager })).status).toBe(400);
  });
});
