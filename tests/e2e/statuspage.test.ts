import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident } from '../support/incidents';
import { waitForValue } from '../support/wait';

const h = harnessForFile();

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const componentStatuses = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'];

/** The documented fields of a Statuspage v2 page, component, incident and incident update, with their types. */
function expectPage(p: any) {
  expect(Object.keys(p).sort()).toEqual(['id', 'name', 'time_zone', 'updated_at', 'url']);
  expect(p).toMatchObject({ id: 'status.herald.test', url: 'http://status.herald.test', time_zone: expect.any(String) });
  expect(p.updated_at).toMatch(iso);
}
function expectComponent(c: any) {
  expect(Object.keys(c).sort()).toEqual(['created_at', 'description', 'group', 'group_id', 'id', 'name', 'only_show_if_degraded', 'page_id', 'position', 'showcase', 'start_date', 'status', 'updated_at'].sort());
  expect(componentStatuses).toContain(c.status);
  expect(c.created_at).toMatch(iso);
  expect(c.updated_at).toMatch(iso);
  expect(typeof c.position).toBe('number');
  expect(typeof c.showcase).toBe('boolean');
  expect(typeof c.group).toBe('boolean');
  expect(typeof c.only_show_if_degraded).toBe('boolean');
  expect(c.group_id).toBeNull();
  expect(c.page_id).toBe('status.herald.test');
}
function expectIncident(i: any) {
  expect(Object.keys(i).sort()).toEqual(['components', 'created_at', 'id', 'impact', 'incident_updates', 'monitoring_at', 'name', 'page_id', 'resolved_at', 'shortlink', 'started_at', 'status', 'updated_at'].sort());
  expect(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']).toContain(i.status);
  expect(['none', 'minor', 'major', 'critical']).toContain(i.impact);
  for (const k of ['created_at', 'updated_at', 'started_at']) expect(i[k]).toMatch(iso);
  for (const k of ['monitoring_at', 'resolved_at']) if (i[k] !== null) expect(i[k]).toMatch(iso);
  i.components.forEach(expectComponent);
  for (const u of i.incident_updates) {
    expect(Object.keys(u).sort()).toEqual(['affected_components', 'body', 'created_at', 'deliver_notifications', 'display_at', 'id', 'incident_id', 'status', 'updated_at']);
    expect(u.incident_id).toBe(i.id);
    expect(typeof u.body).toBe('string');
    expect(typeof u.deliver_notifications).toBe('boolean');
    for (const k of ['created_at', 'updated_at', 'display_at']) expect(u[k]).toMatch(iso);
    for (const a of u.affected_components ?? []) {
      expect(Object.keys(a).sort()).toEqual(['code', 'name', 'new_status', 'old_status']);
      expect(componentStatuses).toContain(a.new_status);
    }
  }
}

describe('status API in Statuspage v2 format', () => {
  it('[M7.6, M3.3] serves page, status, components and incidents of a real incident, publicly, and follows it to resolution', async () => {
    const quiet = await h.request('GET', '/api/v2/status.json');
    expect(quiet.status).toBe(200);
    expectPage(quiet.body.page);
    expect(quiet.body.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });

    const id = await declareIncident(h, { id: uniqueName('SP'), title: 'Slow database <queries> & timeouts', category: 'performance-degradation', severity: 'SEV3', components: ['database'], summary: 'Queries are slower than usual.' });

    const unresolved = await waitForValue(async () => {
      const r = await h.request('GET', '/api/v2/incidents/unresolved.json');
      return r.body.incidents.length ? r.body : undefined;
    });
    expectPage(unresolved.page);
    expect(unresolved.incidents).toHaveLength(1);
    const incident = unresolved.incidents[0];
    expectIncident(incident);
    expect(incident).toMatchObject({ id, name: 'Slow database <queries> & timeouts', status: 'investigating', impact: 'minor', resolved_at: null, shortlink: `http://status.herald.test/status/incidents/${id}` });
    expect(incident.incident_updates).toHaveLength(1);
    expect(incident.incident_updates[0]).toMatchObject({ id: `${id}-v1`, status: 'investigating', affected_components: [{ code: 'database', name: 'Primary database', old_status: 'operational', new_status: 'degraded_performance' }] });
    expect(incident.components.map((c: any) => c.id)).toEqual(['database']);

    const summary = await h.request('GET', '/api/v2/summary.json');
    expect(summary.status).toBe(200);
    expect(Object.keys(summary.body).sort()).toEqual(['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
    expect(summary.body.status).toEqual({ indicator: 'minor', description: 'Minor Service Outage' });
    summary.body.components.forEach(expectComponent);
    expect(summary.body.components.map((c: any) => c.position)).toEqual(summary.body.components.map((_: unknown, i: number) => i + 1));
    expect(summary.body.components.find((c: any) => c.id === 'database').status).toBe('degraded_performance');
    expect(summary.body.components.find((c: any) => c.id === 'api').status).toBe('operational');
    expect(summary.body.incidents.map((i: any) => i.id)).toEqual([id]);

    const components = await h.request('GET', '/api/v2/components.json');
    expect(components.body.components).toEqual(summary.body.components);

    // The same facts as Herald's own status page, which reads the same entries.
    const own = await h.request('GET', '/status.json');
    expect(own.body.activeIncidents.map((i: any) => i.id)).toEqual([id]);

    const resolved = await h.request('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'Indexes were rebuilt.' } });
    expect(resolved.status).toBe(202);
    const all = await waitForValue(async () => {
      const r = await h.request('GET', '/api/v2/incidents.json');
      return r.body.incidents[0]?.status === 'resolved' ? r.body : undefined;
    });
    all.incidents.forEach(expectIncident);
    const done = all.incidents[0];
    expect(done.resolved_at).toBe(done.updated_at);
    expect(done.incident_updates.map((u: any) => u.status)).toEqual(['resolved', 'investigating']);
    expect(done.incident_updates[0].affected_components[0]).toMatchObject({ old_status: 'degraded_performance', new_status: 'operational' });
    expect((await h.request('GET', '/api/v2/incidents/unresolved.json')).body.incidents).toEqual([]);
    expect((await h.request('GET', '/api/v2/status.json')).body.status.indicator).toBe('none');

    const feed = await h.request('GET', '/history.atom');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('application/atom+xml');
    expect(feed.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(feed.text).toContain(`<title>Slow database &lt;queries&gt; &amp; timeouts</title>`);
    expect(feed.text).toContain(`Incident/${id}</id>`);
    expect(feed.text).not.toContain('<queries>');
  });
});
