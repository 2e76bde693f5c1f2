import { AlertRulesSchema, mapAlert, type ReceivedAlert } from '../../../domain/alerts';
import { statusSnapshot, type StatusEntry } from '../../../domain/status-page';
import { statuspageDocument } from '../../../domain/status-page/format';

const t = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
const entry = (incidentId: string, phase: string, severity: StatusEntry['severity'], components: string[], minute: number): StatusEntry => ({
  incidentId, version: 1, phase, severity, components, title: incidentId, category: 'outage', subject: incidentId, body: `About ${incidentId}`, publishedAt: t(minute),
});
const components = [{ componentId: 'api', name: 'API' }, { componentId: 'db', name: 'Database' }, { componentId: 'web', name: 'Website' }];

describe('monitoring markers (pure)', () => {
  it('[M3.1] shows each component at the worst of its markers and its open incidents, and the page at the worst of all', () => {
    const entries = [entry('INC-1', 'investigating', 'SEV3', ['db'], 0), entry('INC-2', 'resolved', 'SEV1', ['web'], 5)];
    const s = statusSnapshot(components, entries, [
      { componentId: 'db', status: 'under_maintenance' },
      { componentId: 'api', status: 'partial_outage' },
      { componentId: 'api', status: 'degraded_performance' },
      { componentId: 'ghost', status: 'major_outage' },
    ]);
    expect(s.components.map((c) => [c.id, c.status])).toEqual([['api', 'partial_outage'], ['db', 'degraded_performance'], ['web', 'operational']]);
    expect(s).toMatchObject({ status: 'partial_outage', description: 'Partial service outage' });
    // Markers add no incident and no update.
    expect(s.activeIncidents.map((i) => [i.id, i.updates.length])).toEqual([['INC-1', 1]]);
    expect(statusSnapshot(components, [], [{ componentId: 'web', status: 'under_maintenance' }])).toMatchObject({ status: 'under_maintenance', description: 'Service under maintenance' });
    expect(statusSnapshot(components, entries)).toMatchObject({ status: 'degraded_performance' });
  });

  it('[M3.1] puts markers into the Statuspage v2 components and indicator, never into incident updates', () => {
    const entries = [entry('INC-1', 'investigating', 'SEV3', ['db'], 0)];
    const base = statuspageDocument({ publicUrl: 'https://s.example', pageName: 'S', components, entries, now: t(30) });
    const doc = statuspageDocument({
      publicUrl: 'https://s.example', pageName: 'S', components, entries, now: t(30),
      markers: [{ componentId: 'db', status: 'major_outage', since: t(10) }],
    });
    expect(doc.components.find((c) => c.id === 'db')).toMatchObject({ status: 'major_outage', updated_at: t(10).toISOString() });
    expect(doc.status).toEqual({ indicator: 'critical', description: 'Major Service Outage' });
    expect(doc.incidents).toEqual(base.incidents.map((i) => ({ ...i, components: [expect.objectContaining({ id: 'db', status: 'major_outage' })] })));
    expect(doc.incidents[0].incident_updates).toEqual(base.incidents[0].incident_updates);
    const maintenance = statuspageDocument({ publicUrl: 'https://s.example', pageName: 'S', components, entries: [], now: t(30), markers: [{ componentId: 'web', status: 'under_maintenance' }] });
    expect(maintenance.status).toEqual({ indicator: 'maintenance', description: 'Service Under Maintenance' });
  });

  it('[M3.1] lets alert rules name a Statuspage component status and whether to open an incident', () => {
    const rules = AlertRulesSchema.parse({
      rules: [
        { name: 'probe', match: { alertname: 'ProbeDown' }, category: 'outage', componentStatus: 'major_outage', openIncident: false },
        { name: 'errors', match: { alertname: 'Errors' }, category: 'outage', componentStatus: 'partial_outage' },
        { name: 'plain', match: { alertname: 'Plain' }, category: 'outage' },
      ],
      defaults: { category: 'outage', severity: 'SEV3' },
    });
    const alert = (alertname: string): ReceivedAlert => ({
      source: 'generic', fingerprint: 'f', status: 'firing', alertName: alertname, title: alertname, summary: alertname, labels: { alertname, component: 'api' },
    });
    expect(mapAlert(rules, alert('ProbeDown'))).toEqual({ category: 'outage', severity: 'SEV3', components: ['api'], rule: 'probe', componentStatus: 'major_outage', openIncident: false });
    expect(mapAlert(rules, alert('Errors'))).toEqual({ category: 'outage', severity: 'SEV3', components: ['api'], rule: 'errors', componentStatus: 'partial_outage' });
    expect(mapAlert(rules, alert('Plain'))).toEqual({ category: 'outage', severity: 'SEV3', components: ['api'], rule: 'plain' });
    const bad = AlertRulesSchema.safeParse({ rules: [{ name: 'x', match: {}, category: 'outage', componentStatus: 'on_fire' }], defaults: { category: 'outage', severity: 'SEV3' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['rules.0.componentStatus']);
  });
});
