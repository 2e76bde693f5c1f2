import { createHmac } from 'node:crypto';
import { alertRules } from '../../../config/alerts';
import {
  alertFromGeneric,
  alertIncidentId,
  AlertmanagerPayloadSchema,
  alertsFromAlertmanager,
  GenericAlertSchema,
  incidentFromAlert,
  mapAlert,
  verifyAlertSignature,
} from '../../../domain/alerts';

const rules = alertRules();

function alertmanagerPayload(overrides: Record<string, unknown> = {}) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'herald',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate', severity: 'warning' },
    commonAnnotations: { summary: 'API error rate above 5%' },
    externalURL: 'http://alertmanager.internal:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', severity: 'warning', component: 'api', instance: '10.0.3.7:9100' },
        annotations: { summary: 'API error rate above 5%', description: 'Requests to the public API fail more often than usual.' },
        startsAt: '2025-03-01T10:00:00.123456789+01:00',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.internal:9090/graph?g0.expr=rate',
        fingerprint: 'c0ffee0123456789',
      },
    ],
    ...overrides,
  };
}

describe('Alertmanager webhook payload', () => {
  it('[M1.3] accepts version 4 with Go timestamps and turns each alert into one received alert', () => {
    const payload = AlertmanagerPayloadSchema.parse(alertmanagerPayload());
    expect(alertsFromAlertmanager(payload)).toEqual([
      {
        source: 'alertmanager',
        fingerprint: 'c0ffee0123456789',
        status: 'firing',
        alertName: 'HighErrorRate',
        title: 'API error rate above 5%',
        summary: 'Requests to the public API fail more often than usual.',
        labels: { alertname: 'HighErrorRate', severity: 'warning', component: 'api', instance: '10.0.3.7:9100' },
        startsAt: '2025-03-01T10:00:00.123456789+01:00',
      },
    ]);
  });

  it('[M1.3] refuses other versions and malformed alerts with the exact paths', () => {
    const bad = alertmanagerPayload({ version: '3' });
    (bad.alerts[0] as Record<string, unknown>).fingerprint = undefined;
    (bad.alerts[0] as Record<string, unknown>).status = 'pending';
    const r = AlertmanagerPayloadSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['alerts.0.fingerprint', 'alerts.0.status', 'version']);
  });
});

describe('mapping alerts to incidents', () => {
  it('[M1.3] maps labels to category, severity and components by the rules', () => {
    const [alert] = alertsFromAlertmanager(AlertmanagerPayloadSchema.parse(alertmanagerPayload()));
    expect(mapAlert(rules, alert)).toEqual({ category: 'outage', severity: 'SEV3', components: ['api'], rule: 'api-errors' });
    const payments = { ...alert, labels: { alertname: 'PaymentsDown', severity: 'warning' } };
    expect(mapAlert(rules, payments)).toEqual({ category: 'outage', severity: 'SEV1', components: ['payments'], rule: 'payments-down' });
    const several = { ...alert, labels: { alertname: 'HighLatency', severity: 'critical', component: 'api, dashboard,api' } };
    expect(mapAlert(rules, several)).toEqual({ category: 'performance-degradation', severity: 'SEV2', components: ['api', 'dashboard'], rule: 'api-latency' });
    const unknown = { ...alert, labels: { alertname: 'DiskFull' } };
    expect(mapAlert(rules, unknown)).toEqual({ category: 'outage', severity: 'SEV3', components: [], rule: 'default' });
  });

  it('[M1.3] lets a generic alert state its own severity and components', () => {
    const alert = alertFromGeneric(GenericAlertSchema.parse({
      title: 'Suspicious logins', status: 'firing', severity: 'SEV4', components: ['dashboard'], labels: { alertname: 'SuspiciousLoginSpike' },
    }));
    expect(mapAlert(rules, alert)).toEqual({ category: 'security', severity: 'SEV4', components: ['dashboard'], rule: 'suspicious-logins' });
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const again = alertFromGeneric(GenericAlertSchema.parse({ title: 'Suspicious logins', status: 'resolved', labels: { alertname: 'SuspiciousLoginSpike' } }));
    expect(again.fingerprint).toBe(alert.fingerprint);
  });

  it('[M1.3] derives the incident ID from the fingerprint alone, so repeats join one incident', () => {
    expect(alertIncidentId('abc')).toBe('ALERT-ba7816bf8f01cfea');
    expect(alertIncidentId('c0ffee0123456789')).toBe(alertIncidentId('c0ffee0123456789'));
    expect(alertIncidentId('c0ffee0123456788')).not.toBe(alertIncidentId('c0ffee0123456789'));
  });

  it('[M1.3] dates the incident from when the alert started firing', () => {
    const [alert] = alertsFromAlertmanager(AlertmanagerPayloadSchema.parse(alertmanagerPayload()));
    const mapping = mapAlert(rules, alert);
    expect(incidentFromAlert(alert, mapping, '2025-03-01T09:05:00.000Z')).toEqual({
      id: 'ALERT-2e6e0c79582969d5',
      title: 'API error rate above 5%',
      category: 'outage',
      severity: 'SEV3',
      components: ['api'],
      summary: 'Requests to the public API fail more often than usual.',
      declaredBy: 'alertmanager',
      detectedAt: '2025-03-01T09:00:00.123Z',
    });
    // A start time in the future (clock skew) falls back to when Herald received it.
    expect(incidentFromAlert(alert, mapping, '2025-03-01T08:00:00.000Z').detectedAt).toBe('2025-03-01T08:00:00.000Z');
  });
});

describe('alert signatures', () => {
  const body = Buffer.from('{"version":"4"}');
  const sign = (secret: string, b = body) => `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

  it('[M1.3] accepts an HMAC-SHA256 of the raw body or the shared secret', () => {
    expect(verifyAlertSignature({ 'x-herald-signature': sign('s3cret') }, body, 's3cret')).toEqual({ ok: true, method: 'hmac' });
    expect(verifyAlertSignature({ authorization: 'Bearer s3cret' }, body, 's3cret')).toEqual({ ok: true, method: 'bearer' });
  });

  it('[M1.3] refuses a wrong secret, a signature over other bytes, a malformed signature, or none', () => {
    expect(verifyAlertSignature({ 'x-herald-signature': sign('other') }, body, 's3cret')).toEqual({ ok: false, reason: 'the signature does not match the body' });
    expect(verifyAlertSignature({ 'x-herald-signature': sign('s3cret', Buffer.from('{"version": "4"}')) }, body, 's3cret').ok).toBe(false);
    expect(verifyAlertSignature({ 'x-herald-signature': 'md5=abc' }, body, 's3cret')).toEqual({ ok: false, reason: 'X-Herald-Signature must be "sha256=<64 hex digits>"' });
    expect(verifyAlertSignature({ authorization: 'Bearer s3cre' }, body, 's3cret')).toEqual({ ok: false, reason: 'the shared secret is not valid' });
    expect(verifyAlertSignature({}, body, 's3cret').ok).toBe(false);
  });
});
