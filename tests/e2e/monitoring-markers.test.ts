import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertSecret } from '../../config/alerts';
import { alertIncidentId } from '../../domain/alerts';
import { workflowIdFor } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';
import { declareIncident } from '../support/incidents';
import { waitForValue } from '../support/wait';
import { parse } from 'node-html-parser';

/**
 * M3.1: monitoring sets component status markers by itself; the words stay with people. The
 * rules below add `componentStatus` to alert rules; three only mark (openIncident false), one
 * also opens an incident that waits for approval like any SEV1.
 */
const rules = {
  rules: [
    { name: 'synthetic-down', match: { alertname: 'SyntheticCheckDown' }, category: 'outage', componentStatus: 'major_outage', openIncident: false },
    { name: 'synthetic-errors', match: { alertname: 'SyntheticCheckErrors' }, category: 'outage', componentStatus: 'partial_outage', openIncident: false },
    { name: 'maintenance-window', match: { alertname: 'MaintenanceWindow' }, category: 'maintenance-gone-wrong', componentStatus: 'under_maintenance', openIncident: false },
    { name: 'payments-down', match: { alertname: 'PaymentsDown' }, category: 'outage', severity: 'SEV1', components: ['payments'], componentStatus: 'major_outage' },
  ],
  defaults: { category: 'outage', severity: 'SEV3' },
};

let h: Harness;
let dir: string;
const previousRules = process.env.HERALD_ALERT_RULES_FILE;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-markers-'));
  writeFileSync(join(dir, 'alert-rules.json'), JSON.stringify(rules));
  process.env.HERALD_ALERT_RULES_FILE = join(dir, 'alert-rules.json');
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
  if (previousRules === undefined) delete process.env.HERALD_ALERT_RULES_FILE;
  else process.env.HERALD_ALERT_RULES_FILE = previousRules;
  rmSync(dir, { recursive: true, force: true });
});

const secret = alertSecret();

async function post(path: string, payload: unknown) {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as any };
}

function alertmanager(fingerprint: string, alertname: string, component: string, status: 'firing' | 'resolved' = 'firing') {
  const labels = { alertname, component, severity: 'warning' };
  return {
    version: '4', groupKey: `{}:{alertname="${alertname}"}`, truncatedAlerts: 0, status, receiver: 'herald',
    groupLabels: { alertname }, commonLabels: labels, commonAnnotations: { summary: `${alertname} on ${component}` },
    externalURL: 'http://alertmanager.internal:9093',
    alerts: [{
      status, labels, annotations: { summary: `${alertname} on ${component}` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.internal:9090/graph', fingerprint,
    }],
  };
}

const generic = (fingerprint: string, alertname: string, components: string[], status: 'firing' | 'resolved' = 'firing') =>
  post('/v1/alerts/generic', { fingerprint, title: `${alertname} ${fingerprint}`, status, labels: { alertname }, components });

async function componentStatus(id: string): Promise<string> {
  const res = await h.request('GET', '/api/v2/components.json');
  expect(res.status).toBe(200);
  return res.body.components.find((c: any) => c.id === id).status;
}

describe('monitoring markers on components', () => {
  it('[M3.1] a firing alert marks its component on the status API with no incident, update or email; resolving it clears the mark', async () => {
    const fingerprint = uniqueName('mark');
    const fired = await post('/v1/alerts/alertmanager', alertmanager(fingerprint, 'SyntheticCheckDown', 'dashboard'));
    expect(fired.status).toBe(202);
    expect(fired.body).toEqual({
      incidents: [],
      alerts: [expect.objectContaining({ fingerprint, status: 'firing', outcome: 'marked', rule: 'synthetic-down', markers: [{ componentId: 'dashboard', status: 'major_outage' }] })],
    });

    expect(await componentStatus('dashboard')).toBe('major_outage');
    expect(await componentStatus('auth')).toBe('operational');
    const status = await h.request('GET', '/api/v2/status.json');
    expect(status.body.status).toEqual({ indicator: 'critical', description: 'Major Service Outage' });
    const page = await h.request('GET', '/status');
    const shown = parse(page.text).querySelector('[data-component="dashboard"]')!;
    expect([shown.getAttribute('data-status'), shown.querySelector('.status-word')!.text]).toEqual(['major_outage', 'Major outage']);
    const markers = await h.request('GET', '/v1/components/dashboard/markers', { key: keys.viewer });
    expect(markers.status).toBe(200);
    expect(markers.body).toEqual({
      componentId: 'dashboard',
      markers: [{ componentId: 'dashboard', fingerprint, status: 'major_outage', source: 'alertmanager', alertName: 'SyntheticCheckDown', rule: 'synthetic-down', setAt: expect.any(String), lastSeenAt: expect.any(String) }],
    });

    // The marker says nothing in words: no incident, no status entry, no update, no workflow.
    const incidents = await h.request('GET', '/api/v2/incidents.json');
    expect(incidents.body.incidents).toEqual([]);
    expect(await h.store.models.StatusEntry.countDocuments({})).toBe(0);
    await expect(h.client.workflow.getHandle(workflowIdFor(alertIncidentId(fingerprint))).describe()).rejects.toThrow();

    // A repeat of the firing alert keeps one marker.
    expect((await post('/v1/alerts/alertmanager', alertmanager(fingerprint, 'SyntheticCheckDown', 'dashboard'))).body.alerts[0].outcome).toBe('marked');
    expect((await h.request('GET', '/v1/components/dashboard/markers', { key: keys.responder })).body.markers).toHaveLength(1);

    const resolved = await post('/v1/alerts/alertmanager', alertmanager(fingerprint, 'SyntheticCheckDown', 'dashboard', 'resolved'));
    expect(resolved.status).toBe(202);
    expect(resolved.body.alerts[0]).toMatchObject({ outcome: 'ignored', markersCleared: 1 });
    expect(await componentStatus('dashboard')).toBe('operational');
    expect((await h.request('GET', '/api/v2/status.json')).body.status.indicator).toBe('none');
    expect((await h.request('GET', '/v1/components/dashboard/markers', { key: keys.viewer })).body.markers).toEqual([]);
    expect((await h.request('GET', '/api/v2/incidents.json')).body.incidents).toEqual([]);

    // Customers of the dashboard (Globex, Hooli) heard nothing from a marker alone. The intake sends
    // what it sends before it answers, and no workflow exists that could send later (above).
    expect(await h.mailpit.toDomain(h.domain)).toEqual([]);
  });

  it('[M3.1] a component shows the worst of its markers and of what the published incidents imply, and incident text is untouched', async () => {
    const id = await declareIncident(h, { id: uniqueName('MK'), title: 'Slow queries', category: 'performance-degradation', severity: 'SEV3', components: ['database'], summary: 'Queries are slower than usual.' });
    const published = await waitForValue(async () => {
      const r = await h.request('GET', '/api/v2/incidents.json');
      return r.body.incidents.find((i: any) => i.id === id);
    });
    expect(await componentStatus('database')).toBe('degraded_performance');
    const before = published.incident_updates;

    const maintenance = uniqueName('maint');
    expect((await generic(maintenance, 'MaintenanceWindow', ['database'])).body.alerts[0]).toMatchObject({ outcome: 'marked', markers: [{ componentId: 'database', status: 'under_maintenance' }] });
    expect(await componentStatus('database')).toBe('degraded_performance');
    const errors = uniqueName('errors');
    expect((await generic(errors, 'SyntheticCheckErrors', ['database', 'warp-drive'])).body.alerts[0]).toMatchObject({
      outcome: 'marked', markers: [{ componentId: 'database', status: 'partial_outage' }], unknownComponents: ['warp-drive'],
    });
    expect(await componentStatus('database')).toBe('partial_outage');
    expect((await h.request('GET', '/status.json')).body.components.find((c: any) => c.id === 'database').status).toBe('partial_outage');
    expect((await h.request('GET', '/v1/components/database/markers', { key: keys.manager })).body.markers.map((m: any) => m.status).sort())
      .toEqual(['partial_outage', 'under_maintenance']);

    // The incident's published words and component transitions are exactly what people published.
    const during = (await h.request('GET', '/api/v2/incidents.json')).body.incidents.find((i: any) => i.id === id);
    expect(during.incident_updates).toEqual(before);
    expect(await h.store.models.StatusEntry.countDocuments({ incidentId: id })).toBe(before.length);

    expect((await generic(errors, 'SyntheticCheckErrors', ['database'], 'resolved')).body.alerts[0]).toMatchObject({ markersCleared: 1 });
    expect(await componentStatus('database')).toBe('degraded_performance');
    expect((await generic(maintenance, 'MaintenanceWindow', ['database'], 'resolved')).body.alerts[0]).toMatchObject({ markersCleared: 1 });
    expect(await componentStatus('database')).toBe('degraded_performance');
    expect((await h.request('GET', '/api/v2/incidents.json')).body.incidents.find((i: any) => i.id === id).incident_updates).toEqual(before);
  });

  it('[M6.4] the review timeline flags a version whose words differ from the status the page shows for its component, and lists the notices to staff', async () => {
    const down = uniqueName('down');
    expect((await generic(down, 'SyntheticCheckDown', ['email-delivery'])).body.alerts[0]).toMatchObject({ outcome: 'marked' });
    const id = await declareIncident(h, { id: uniqueName('MK'), title: 'Email is slow', category: 'performance-degradation', severity: 'SEV3', components: ['email-delivery'], summary: 'Emails leave late.' });
    const timeline = await waitForValue(async () => {
      const r = await h.request('GET', `/v1/incidents/${id}/timeline`, { key: keys.manager });
      return r.status === 200 && r.body.communications.customers.some((c: any) => c.channel === 'status-page') && r.body.communications.internal.length ? r.body : undefined;
    });
    // SEV3 words say degraded performance; the page shows the synthetic check's outage.
    expect(timeline.inconsistencies).toEqual([expect.objectContaining({
      kind: 'component-status-differs', version: 1,
      detail: expect.stringMatching(/^v1 says investigating \(degraded_performance\) while the page shows email-delivery as major_outage \(monitoring: SyntheticCheckDown, since /),
    })]);
    // The lead was told of the declaration: the internal lane has it, and its lag is measured.
    expect(timeline.communications.internal[0]).toMatchObject({ kind: 'notice', detail: expect.stringMatching(/^declared notice \(declared\) to \d+ (person|people)$/) });
    expect(timeline.lags.find((l: any) => l.milestone === 'declared' && l.audience === 'internal').minutes).not.toBeNull();
    expect((await generic(down, 'SyntheticCheckDown', ['email-delivery'], 'resolved')).body.alerts[0]).toMatchObject({ markersCleared: 1 });
    const cleared = await h.request('GET', `/v1/incidents/${id}/timeline`, { key: keys.manager });
    expect(cleared.body.inconsistencies).toEqual([]);
  });

  it('[M3.1] a rule that also opens an incident marks at once while the incident text waits for approval', async () => {
    const fingerprint = uniqueName('pay');
    const fired = await post('/v1/alerts/alertmanager', alertmanager(fingerprint, 'PaymentsDown', 'payments'));
    expect(fired.body.alerts[0]).toMatchObject({ outcome: 'opened', rule: 'payments-down', markers: [{ componentId: 'payments', status: 'major_outage' }] });
    expect(await componentStatus('payments')).toBe('major_outage');
    const incidentId = alertIncidentId(fingerprint);
    const state = await waitForValue(async () => {
      const r = await h.request('GET', `/v1/incidents/${incidentId}`, { key: keys.viewer });
      return r.status === 200 && r.body.status === 'awaiting-approval' ? r.body : undefined;
    });
    expect(state).toMatchObject({ severity: 'SEV1', components: ['payments'] });
    expect((await h.request('GET', '/api/v2/incidents.json')).body.incidents.map((i: any) => i.id)).not.toContain(incidentId);
    expect(await h.store.models.StatusEntry.countDocuments({ incidentId })).toBe(0);

    expect((await post('/v1/alerts/alertmanager', alertmanager(fingerprint, 'PaymentsDown', 'payments', 'resolved'))).body.alerts[0])
      .toMatchObject({ outcome: 'recorded', markersCleared: 1 });
    expect(await componentStatus('payments')).toBe('operational');
  });

  it('[M3.1] lists markers only for known components and to callers with a read role', async () => {
    expect((await h.request('GET', '/v1/components/warp-drive/markers', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/components/dashboard/markers')).status).toBe(401);
    const openapi = await h.request('GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/components/{id}/markers']));
  });
});
