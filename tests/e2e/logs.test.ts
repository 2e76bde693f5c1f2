import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowIdFor } from '../../domain/incident';
import { keys, harnessForFile } from '../support/harness';
import { signAll, waitForState } from '../support/incidents';

/**
 * The logs of the shipped API and worker (HERALD_LOG_FILE, read by this test) through one demo
 * incident published to every demo customer, with secrets and recipient addresses planted in
 * the requests: every line is JSON, request lines carry their request ID, lines about the
 * incident carry its IDs, and nothing planted appears in any line.
 */

const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'herald-logs-')), 'herald.log');
const saved = { file: process.env.HERALD_LOG_FILE, level: process.env.HERALD_LOG_LEVEL };
// Read when the logger is first used, which is after this module's body ran.
process.env.HERALD_LOG_FILE = logFile;
process.env.HERALD_LOG_LEVEL = 'info';
afterAll(() => {
  for (const [k, v] of [['HERALD_LOG_FILE', saved.file], ['HERALD_LOG_LEVEL', saved.level]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
});

const h = harnessForFile({ data: 'demo' });

const planted = {
  email: 'planted.recipient@logs-secret.example',
  phone: '+14155550199',
  webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  slackToken: 'plantedSlackToken0042',
  bearer: 'planted-bearer-credential-7781',
  dashboardKey: 'planted-dashboard-key-5523',
};

function lines(): Record<string, any>[] {
  return fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
}

describe('structured logs', () => {
  it('[M5.5, M7.6] every API and worker line is JSON, carries its request or incident IDs, and holds no secret or recipient address', async () => {
    // A customer with a recipient address, a phone number and a Slack-style webhook URL whose path is its token.
    const customer = {
      customerId: 'log-planted', name: 'Planted Secrets Ltd', tier: 'business', locale: 'en',
      emails: [planted.email], phone: planted.phone, subscriptions: ['eu-region'],
      webhooks: [{ url: `http://127.0.0.1:9/services/T0PLANT/B0PLANT/${planted.slackToken}`, secret: planted.webhookSecret }],
    };
    const created = await fetch(`${h.baseUrl}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json', 'x-request-id': 'req-logs-test-0001' },
      body: JSON.stringify(customer),
    });
    expect([created.status, created.status === 201 ? '' : await created.text()]).toEqual([201, '']);
    expect(created.headers.get('x-request-id')).toBe('req-logs-test-0001');
    // A refused key, a key in a query string, and a request ID that is not a sane token (replaced).
    const refused = await fetch(`${h.baseUrl}/v1/incidents`, { headers: { authorization: `Bearer ${planted.bearer}`, 'x-request-id': 'bad id\twith spaces' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await fetch(`${h.baseUrl}/dashboard?key=${planted.dashboardKey}`, { redirect: 'manual' });

    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { title: 'Card payments failing in Europe', category: 'outage', severity: 'SEV2', components: ['eu-region'], summary: `Some card payments fail. Reported by ${planted.email}.` },
    });
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    await signAll(h, id, 1);
    await waitForState(h, id, (s) => s.status === 'published', 'v1 published');
    const mail = await h.mailpit.waitForIncident(id, (m) => m.some((x) => x.To[0]?.Address === planted.email));
    expect(mail.some((x) => x.To[0]?.Address === planted.email)).toBe(true);

    const all = lines();
    expect(all.length).toBeGreaterThan(10);
    for (const l of all) expect(l).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });

    const requests = all.filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(5);
    for (const l of requests) expect(l.requestId).toEqual(expect.any(String));
    expect(requests).toContainEqual(expect.objectContaining({ requestId: 'req-logs-test-0001', method: 'POST', route: '/v1/customers', status: 201 }));
    expect(requests).toContainEqual(expect.objectContaining({ route: '/v1/incidents', status: 401 }));
    // The declaration's line names the incident it made; the approval's names the version it signed.
    expect(requests).toContainEqual(expect.objectContaining({ method: 'POST', route: '/v1/incidents', status: 201, incidentId: id, workflowId: workflowIdFor(id) }));
    expect(requests).toContainEqual(expect.objectContaining({ route: '/v1/incidents/:id/approvals', incidentId: id, version: 1 }));

    // Every activity of the incident's workflow logs with its IDs; the email broadcast with its version.
    const activities = all.filter((l) => l.activityType && l.workflowId === workflowIdFor(id));
    expect(activities.length).toBeGreaterThan(3);
    for (const l of activities) expect(l).toMatchObject({ incidentId: id, runId: expect.any(String), msg: expect.stringMatching(/^activity (completed|failed)$/) });
    expect(activities).toContainEqual(expect.objectContaining({ activityType: 'sendEmailBatch', version: 1 }));
    // Lines that name the incident carry its workflow too.
    for (const l of all.filter((x) => x.incidentId === id)) expect(l.workflowId).toBe(workflowIdFor(id));

    const text = fs.readFileSync(logFile, 'utf8');
    for (const secret of [...Object.values(planted), keys.admin, keys.responder, keys.approver, 'Bearer demo-']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/);
  });
});
