import { createHmac } from 'node:crypto';
import { alertSecret } from '../../config/alerts';
import { alertIncidentId } from '../../domain/alerts';
import { workflowIdFor } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { waitFor, workflowIdle } from '../support/wait';

const h = harnessForFile();

const secret = alertSecret();

function alertmanager(fingerprint: string, title: string, opts: { status?: 'firing' | 'resolved'; labels?: Record<string, string> } = {}) {
  const status = opts.status ?? 'firing';
  const labels = { alertname: 'HighErrorRate', severity: 'warning', component: 'api', ...opts.labels };
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'herald',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: title },
    externalURL: 'http://alertmanager.internal:9093',
    alerts: [{
      status, labels,
      annotations: { summary: title, description: 'Requests to the public API fail more often than usual.' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.internal:9090/graph',
      fingerprint,
    }],
  };
}

/** Posts the exact bytes it signs, as Alertmanager (behind a signing proxy) would. */
async function post(path: string, payload: unknown, auth: 'bearer' | 'hmac' | 'none' | { bearer?: string; signature?: string } = 'bearer') {
  const raw = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth === 'bearer') headers.authorization = `Bearer ${secret}`;
  if (auth === 'hmac') headers['x-herald-signature'] = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  if (typeof auth === 'object') {
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    if (auth.signature) headers['x-herald-signature'] = auth.signature;
  }
  const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers, body: raw });
  return { status: res.status, body: (await res.json()) as any };
}

async function signalsReceived(workflowId: string): Promise<string[]> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => e.workflowExecutionSignaledEventAttributes!.signalName!);
}

async function executions(workflowId: string): Promise<number> {
  let n = 0;
  for await (const _ of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) n++;
  return n;
}

describe('monitoring alerts open incidents with no human step', () => {
  it('[M1.3] opens an incident from an Alertmanager webhook, emails the affected customers, and a repeat joins it', async () => {
    const fingerprint = uniqueName('fp');
    const title = `API error rate above 5% ${fingerprint}`;
    const incidentId = alertIncidentId(fingerprint);
    const workflowId = workflowIdFor(incidentId);

    const first = await post('/v1/alerts/alertmanager', alertmanager(fingerprint, title));
    expect(first.status).toBe(202);
    expect(first.body).toEqual({
      incidents: [incidentId],
      alerts: [{ fingerprint, status: 'firing', incidentId, workflowId, outcome: 'opened', rule: 'api-errors' }],
    });

    const mails = await h.mailpit.waitFor(h.domain, (m) => m.filter((x) => x.Subject.includes(title)).length >= 3);
    const ours = mails.filter((m) => m.Subject.includes(title));
    expect(ours.map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.apiSubscribers);
    expect((await h.mailpit.headers(ours[0].ID))['X-Herald-Severity']).toEqual(['SEV3']);

    const state = await h.request('GET', `/v1/incidents/${incidentId}`, { key: keys.viewer });
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ id: incidentId, title, category: 'outage', severity: 'SEV3', components: ['api'], declaredBy: 'alertmanager' });
    const { runId } = await h.client.workflow.getHandle(workflowId).describe();

    const repeat = await post('/v1/alerts/alertmanager', alertmanager(fingerprint, title), 'hmac');
    expect(repeat.status).toBe(202);
    expect(repeat.body.alerts[0]).toMatchObject({ incidentId, outcome: 'joined' });
    expect((await h.client.workflow.getHandle(workflowId).describe()).runId).toBe(runId);
    await waitFor(() => signalsReceived(workflowId), (s) => s.length >= 2, 'the repeat signalled');
    expect(await signalsReceived(workflowId)).toEqual(['alert', 'alert']);
    await waitFor(() => executions(workflowId), (n) => n >= 1, 'the execution listed');
    expect(await executions(workflowId)).toBe(1);

    // The workflow has acted on the repeat: whatever it sent for it, Mailpit holds.
    await workflowIdle(h.client.workflow.getHandle(workflowId));
    expect((await h.mailpit.toDomain(h.domain)).filter((m) => m.Subject.includes(title))).toHaveLength(3);

    // A resolved alert is recorded on the incident but does not resolve it.
    const resolved = await post('/v1/alerts/alertmanager', alertmanager(fingerprint, title, { status: 'resolved' }));
    expect(resolved.status).toBe(202);
    expect(resolved.body).toEqual({ incidents: [], alerts: [expect.objectContaining({ incidentId, status: 'resolved', outcome: 'recorded' })] });
    await waitFor(() => signalsReceived(workflowId), (s) => s.length >= 3, 'the resolved alert signalled');
    expect(await signalsReceived(workflowId)).toEqual(['alert', 'alert', 'alert']);
    const after = await h.request('GET', `/v1/incidents/${incidentId}`, { key: keys.viewer });
    expect(after.body.status).toBe('published');
    expect(after.body.resolvedAt).toBeUndefined();
  });

  it('[M1.3] opens an incident from a generic JSON alert signed with an HMAC of its body', async () => {
    const fingerprint = uniqueName('generic');
    const title = `Dashboard slow ${fingerprint}`;
    const res = await post('/v1/alerts/generic', {
      fingerprint, title, status: 'firing', severity: 'SEV4', components: ['dashboard'], labels: { alertname: 'HighLatency' },
    }, 'hmac');
    expect(res.status).toBe(202);
    const incidentId = alertIncidentId(fingerprint);
    expect(res.body.alerts[0]).toMatchObject({ incidentId, outcome: 'opened', rule: 'api-latency' });
    const mails = await h.mailpit.waitFor(h.domain, (m) => m.filter((x) => x.Subject.includes(title)).length >= 2);
    expect(mails.filter((m) => m.Subject.includes(title)).map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.others);
    const state = await h.request('GET', `/v1/incidents/${incidentId}`, { key: keys.viewer });
    expect(state.body).toMatchObject({ category: 'performance-degradation', severity: 'SEV4', declaredBy: 'generic' });
  });

  it('[M1.3] ignores a resolved alert with no open incident, and does not open one for unknown components', async () => {
    const lone = uniqueName('lone');
    const resolved = await post('/v1/alerts/alertmanager', alertmanager(lone, 'Resolved before we knew', { status: 'resolved' }));
    expect(resolved.status).toBe(202);
    expect(resolved.body.alerts[0]).toMatchObject({ outcome: 'ignored' });
    await expect(h.client.workflow.getHandle(workflowIdFor(alertIncidentId(lone))).describe()).rejects.toThrow();

    const stray = uniqueName('stray');
    const unmapped = await post('/v1/alerts/alertmanager', alertmanager(stray, 'Disk full on warp drive', { labels: { alertname: 'DiskFull', component: 'warp-drive' } }));
    expect(unmapped.status).toBe(202);
    expect(unmapped.body).toEqual({
      incidents: [],
      alerts: [expect.objectContaining({ outcome: 'unmapped', rule: 'default', unknownComponents: ['warp-drive'] })],
    });
    await expect(h.client.workflow.getHandle(workflowIdFor(alertIncidentId(stray))).describe()).rejects.toThrow();
  });

  it('[M1.3] answers 401 to a missing or wrong secret or signature, before looking at the payload', async () => {
    const payload = alertmanager(uniqueName('fp'), 'Unsigned alert');
    expect((await post('/v1/alerts/alertmanager', payload, 'none')).status).toBe(401);
    expect((await post('/v1/alerts/alertmanager', payload, { bearer: 'not-the-secret' })).status).toBe(401);
    expect((await post('/v1/alerts/alertmanager', payload, { signature: `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await post('/v1/alerts/generic', { title: 'x' }, { bearer: keys.admin })).status).toBe(401);
    const unsignedInvalid = await post('/v1/alerts/alertmanager', { version: '3' }, 'none');
    expect(unsignedInvalid.status).toBe(401);
    expect(unsignedInvalid.body.issues).toBeUndefined();
  });

  it('[M1.3] answers 400 with the validation issues to a signed but invalid payload', async () => {
    const payload: any = alertmanager(uniqueName('fp'), 'Bad payload');
    payload.version = '3';
    payload.alerts[0].startsAt = 'yesterday';
    const res = await post('/v1/alerts/alertmanager', payload, 'hmac');
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: any) => i.path).sort()).toEqual(['alerts.0.startsAt', 'version']);
    const generic = await post('/v1/alerts/generic', { title: 'x', status: 'burning', severity: 'SEV9' });
    expect(generic.status).toBe(400);
    expect(generic.body.issues.map((i: any) => i.path).sort()).toEqual(['severity', 'status', 'title']);
  });
});
