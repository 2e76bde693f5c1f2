import { createHmac } from 'node:crypto';
import { alertSecret } from '../../config/alerts';
import { alertIncidentId } from '../../domain/alerts';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import type { MailpitMessage } from '../support/mailpit';
import { waitForState } from '../support/incidents';

/**
 * Monitoring intake on the demo data set (M1.3): what labels map to, matcher rules, unmapped
 * alerts recorded and told once, and a repeating alert counted per fingerprint.
 */

const operators = `${uniqueName('unmapped')}@herald.test`;
process.env.HERALD_UNMAPPED_ALERT_EMAILS = operators;

const h = harnessForFile({ data: 'demo' });

/** Alertmanager's webhook v4 body for one firing alert with exactly these labels. */
function alertmanager(fingerprint: string, labels: Record<string, string>, summary: string) {
  return {
    version: '4', groupKey: `{}:{alertname="${labels.alertname}"}`, truncatedAlerts: 0, status: 'firing', receiver: 'herald',
    groupLabels: { alertname: labels.alertname }, commonLabels: labels, commonAnnotations: { summary },
    externalURL: 'http://alertmanager.example:9093',
    alerts: [{
      status: 'firing', labels, annotations: { summary, description: `${summary}.` },
      startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph', fingerprint,
    }],
  };
}

/** Posts as Alertmanager does with http_config.authorization (Bearer), or signed with the HMAC header. */
async function post(payload: unknown, auth: 'bearer' | 'hmac' = 'bearer') {
  const raw = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth === 'bearer') headers.authorization = `Bearer ${alertSecret()}`;
  else headers['x-herald-signature'] = `sha256=${createHmac('sha256', alertSecret()).update(raw).digest('hex')}`;
  const res = await fetch(`${h.baseUrl}/v1/alerts/alertmanager`, { method: 'POST', headers, body: raw });
  return { status: res.status, body: (await res.json()) as any };
}

describe('alert labels mapped through the service model', () => {
  it("[M1.3] opens an incident on a service's components from an alert with only a service label", async () => {
    const fingerprint = uniqueName('svc');
    const res = await post(alertmanager(fingerprint, { alertname: 'QueueBacklog', severity: 'critical', service: 'messaging' }, `Queue backlog ${fingerprint}`));
    expect(res.status).toBe(202);
    const incidentId = alertIncidentId(fingerprint);
    expect(res.body.alerts).toEqual([expect.objectContaining({ incidentId, outcome: 'opened', rule: 'default' })]);
    const state = await waitForState(h, incidentId, (s) => s?.status !== undefined && s.playbook !== undefined, 'the incident');
    expect(state).toMatchObject({ category: 'outage', severity: 'SEV2', components: ['email-delivery', 'webhook-delivery'], declaredBy: 'alertmanager' });
  });

  it('[M1.3] picks a rule by label matchers: a database page outside staging, and not in staging', async () => {
    const prod = uniqueName('db');
    const opened = await post(alertmanager(prod, { alertname: 'PostgresReplicationLag', severity: 'page', env: 'prod' }, `Replication lag ${prod}`), 'hmac');
    expect(opened.body.alerts).toEqual([expect.objectContaining({ outcome: 'opened', rule: 'database-critical' })]);
    const state = await waitForState(h, alertIncidentId(prod), (s) => s?.playbook !== undefined, 'the incident');
    expect(state).toMatchObject({ category: 'outage', severity: 'SEV2', components: ['database'] });

    const staging = uniqueName('db-staging');
    const skipped = await post(alertmanager(staging, { alertname: 'PostgresReplicationLag', severity: 'page', env: 'staging' }, `Replication lag ${staging}`));
    expect(skipped.body.alerts).toEqual([expect.objectContaining({ outcome: 'unmapped', rule: 'default' })]);
  });
});

describe('alerts that map to nothing', () => {
  it('[M1.3] are listed per fingerprint with count and first/last seen, and the operators get one notice', async () => {
    const fingerprint = uniqueName('stray');
    const summary = `Disk full on warp drive ${fingerprint}`;
    const labels = { alertname: 'DiskFull', severity: 'warning', component: 'warp-drive' };
    for (let i = 0; i < 3; i++) {
      const res = await post(alertmanager(fingerprint, labels, summary));
      expect(res.body.alerts).toEqual([expect.objectContaining({ outcome: 'unmapped', unknownComponents: ['warp-drive'] })]);
    }

    const list = await h.request('GET', '/v1/alerts/unmapped', { key: keys.manager });
    expect(list.status).toBe(200);
    const entry = list.body.alerts.find((a: { fingerprint: string }) => a.fingerprint === fingerprint);
    expect(entry).toEqual({
      fingerprint, source: 'alertmanager', alertName: 'DiskFull', title: summary, labels, rule: 'default', unknownComponents: ['warp-drive'],
      count: 3, firstSeenAt: expect.any(String), lastSeenAt: expect.any(String), noticeSentAt: expect.any(String),
    });
    expect(Date.parse(entry.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(entry.firstSeenAt));
    expect(list.body.deliveries).toBeGreaterThanOrEqual(3);
    expect((await h.request('GET', '/v1/alerts/unmapped', { key: keys.admin })).status).toBe(200);
    expect((await h.request('GET', '/v1/alerts/unmapped', { key: keys.viewer })).status).toBe(403);

    // Other tests' unmapped alerts reach the same operators; this fingerprint's notice names it.
    const ours = (m: MailpitMessage[]) => m.filter((x) => x.To[0].Address === operators && (x as MailpitMessage & { Snippet?: string }).Snippet?.includes(summary));
    const notices = ours(await h.mailpit.waitFor(operators.split('@')[1], (m) => ours(m).length > 0));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ Subject: 'Herald: an alert maps to no component (DiskFull)' });
    const text = await h.mailpit.text(notices[0].ID);
    expect(text).toContain(fingerprint);
    expect(text).toContain('warp-drive');
    expect(text).toContain('/v1/alerts/unmapped');
  });
});

describe('a firing alert that monitoring repeats', () => {
  it('[M1.3] stays one entry on the incident with its delivery count and first/last seen', async () => {
    const fingerprint = uniqueName('repeat');
    const payload = alertmanager(fingerprint, { alertname: 'HighErrorRate', severity: 'warning', component: 'api' }, `API errors ${fingerprint}`);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push((await post(payload)).body.alerts[0].outcome);
    expect(outcomes).toEqual(['opened', 'joined', 'joined', 'joined', 'joined']);
    const state = await waitForState(h, alertIncidentId(fingerprint), (s) => s?.alerts?.[0]?.count === 5, 'five deliveries counted');
    expect(state.alerts).toEqual([{
      fingerprint, alertName: 'HighErrorRate', status: 'firing', count: 5, firstSeenAt: expect.any(String), lastSeenAt: expect.any(String),
    }]);
    expect(Date.parse(state.alerts[0].lastSeenAt)).toBeGreaterThan(Date.parse(state.alerts[0].firstSeenAt));
  });
});
