import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { createApp } from '../../api/app';
import { demoApiKeys } from '../../config/api-keys';
import type { WebhookDelivery } from '../../activities/webhooks';
import { webhookDeliveryWorkflowId, webhookEndpointId, webhookRetryScheduleMs } from '../../domain/webhooks/delivery';
import { newWebhookSecret, verifyWebhook, webhookIdFor, type WebhookVerdict } from '../../domain/webhooks';
import type { webhookDeliveryWorkflow } from '../../workflows/webhook-delivery';
import { testEnv, uniqueName } from '../support/env';
import { keys } from '../support/harness';
import { timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

/**
 * The retry schedule of customer webhooks, hours long, on the time-skipping server with the real
 * activities, FerretDB, Mailpit and Herald's API: what an endpoint received on each attempt, what
 * the API lists, when an endpoint is disabled, who is told, and how an admin turns it back on.
 */
const t = timeSkippingSuite();
let receiver: Server;
let receiverUrl: string;
let api: Server;
let apiUrl: string;
let mailer: nodemailer.Transporter;
const secret = newWebhookSecret(randomBytes(32));
const received: { path: string; headers: IncomingHttpHeaders; body: string; verdict: WebhookVerdict; answered: number }[] = [];
/** What each endpoint path answers: a list taken in turn (then 204), or always the one status. */
const scripts = new Map<string, number[] | number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const verdict = verifyWebhook(secret, req.headers, body, { now: new Date() });
      const script = scripts.get(path);
      const answered = !verdict.valid ? 401 : typeof script === 'number' ? script : (script?.shift() ?? 204);
      received.push({ path, headers: req.headers, body, verdict, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  mailer = nodemailer.createTransport({ url: testEnv().smtpUrl } as never);
  const app = createApp({ temporal: t.env.client, store: t.store, mailer, taskQueue: uniqueName('tq-api'), apiKeys: demoApiKeys, publicUrl: 'http://status.herald.test' });
  api = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await new Promise((r) => api?.close(r));
  mailer?.close();
});

async function call(method: string, path: string, key: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json() };
}

async function customer(opts: { emails?: string[]; accountManager?: { name: string; email: string } } = {}) {
  const customerId = uniqueName('hooks').toLowerCase();
  const path = `/hooks/${customerId}`;
  await t.store.models.Customer.create({
    customerId, name: `Hooks ${customerId}`, tier: 'business', locale: 'en', emails: opts.emails ?? [], subscriptions: ['api'],
    webhooks: [{ url: `${receiverUrl}${path}`, secret }], ...(opts.accountManager ? { accountManager: opts.accountManager } : {}),
  });
  return { customerId, path, url: `${receiverUrl}${path}`, endpointId: webhookEndpointId(customerId, `${receiverUrl}${path}`) };
}

function delivery(customerId: string, url: string, incidentId: string, version: number): WebhookDelivery {
  return {
    incidentId, severity: 'SEV2', category: 'outage', version, phase: 'identified', subject: `API errors (update ${version})`,
    text: 'We found the cause and are rolling out a fix.', publishedAt: '2024-05-01T10:00:00.000Z', customerId, endpointUrl: url,
  };
}

/** Runs one delivery's retry workflow from its first attempt, as the dispatch would hand it over after its own. */
async function deliver(taskQueue: string, d: WebhookDelivery) {
  const handle = await t.env.client.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
    taskQueue, workflowId: webhookDeliveryWorkflowId(webhookIdFor(d.incidentId, d.version, d.endpointUrl)), args: [{ delivery: d, attemptsMade: 0 }],
  });
  const result = await handle.result();
  const timers = (await handle.fetchHistory()).events!
    .map((e) => e.timerStartedEventAttributes?.startToFireTimeout)
    .filter((d) => d)
    .map((d) => Number(d!.seconds) * 1000 + Math.round((d!.nanos ?? 0) / 1e6));
  return { result, timers };
}

describe('webhook retries beside the incident (time-skipping)', () => {
  it('[M3.3, X2] retries on the Standard Webhooks schedule with the same webhook-id and body, each attempt signed anew, until the endpoint accepts; every attempt is listed; the success resets the failure count', async () => {
    const c = await customer();
    scripts.set(c.path, [500, 503, 500]);
    const incidentId = uniqueName('INC-WH');
    const { result, timers } = await t.withWorker((tq) => deliver(tq, delivery(c.customerId, c.url, incidentId, 3)));
    expect(result).toEqual({ outcome: 'sent', attempts: 4 });
    // Durable timers in the workflow, 5 s, 5 min and 30 min apart.
    expect(timers).toEqual(webhookRetryScheduleMs.slice(1, 4));
    expect(timers).toEqual([5_000, 300_000, 1_800_000]);

    const mine = received.filter((r) => r.path === c.path);
    expect(mine.map((r) => r.answered)).toEqual([500, 503, 500, 204]);
    const webhookId = webhookIdFor(incidentId, 3, c.url);
    for (const r of mine) {
      expect(r.verdict).toEqual({ valid: true, id: webhookId, timestamp: Number(r.headers['webhook-timestamp']) });
      expect(r.body).toBe(mine[0].body);
    }
    expect(JSON.parse(mine[0].body)).toMatchObject({ type: 'incident.updated', timestamp: '2024-05-01T10:00:00.000Z', data: { incidentId, version: 3 } });

    const res = await call('GET', `/v1/customers/${c.customerId}/webhooks/deliveries`, keys.manager);
    expect(res.status).toBe(200);
    expect(res.body.endpoints).toEqual([expect.objectContaining({ endpointId: c.endpointId, state: 'enabled', consecutiveFailures: 0, lastSuccessAt: expect.any(String), lastFailureAt: expect.any(String) })]);
    expect(res.body.deliveries).toHaveLength(1);
    const [d] = res.body.deliveries;
    expect(d).toMatchObject({ webhookId, incidentId, version: 3, state: 'delivered' });
    expect(d.attempts.map((a: any) => [a.attempt, a.ok, a.status])).toEqual([[1, false, 500], [2, false, 503], [3, false, 500], [4, true, 204]]);
    expect(d.attempts.slice(0, 3).every((a: any) => a.error === `answered ${a.status}` && a.nextAttemptAt && a.durationMs >= 0)).toBe(true);
    expect(d.attempts[3].nextAttemptAt).toBeUndefined();
  }, 120_000);

  it('[M3.3] disables an endpoint after 10 failed attempts in a row across deliveries, tells its contacts, account manager and escalation list once, and delivers nothing more until an admin re-enables it', async () => {
    const ops = `ops-${uniqueName('c').toLowerCase()}@${t.domain}`;
    const am = `am-${uniqueName('c').toLowerCase()}@${t.domain}`;
    const c = await customer({ emails: [ops], accountManager: { name: 'Dana Whitfield', email: am } });
    scripts.set(c.path, 500);
    const incidentId = uniqueName('INC-WH');
    const requests = () => received.filter((r) => r.path === c.path).length;

    await t.withWorker(async (tq) => {
      // One delivery spends the whole schedule, about 27.6 hours: eight failed attempts, not yet disabled.
      const first = await deliver(tq, delivery(c.customerId, c.url, incidentId, 1));
      expect(first.result).toEqual({ outcome: 'exhausted', attempts: 8 });
      expect(first.timers).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
      expect(requests()).toBe(8);
      let res = await call('GET', `/v1/customers/${c.customerId}/webhooks/deliveries`, keys.manager);
      expect(res.body.endpoints[0]).toMatchObject({ state: 'enabled', consecutiveFailures: 8, disableAfter: 10 });

      // The next delivery's second failure is the tenth in a row: the endpoint is disabled and its third attempt not made.
      const second = await deliver(tq, delivery(c.customerId, c.url, incidentId, 2));
      expect(second.result).toEqual({ outcome: 'endpoint-disabled', attempts: 3 });
      expect(requests()).toBe(10);
      res = await call('GET', `/v1/customers/${c.customerId}/webhooks/deliveries`, keys.manager);
      expect(res.body.endpoints[0]).toMatchObject({
        endpointId: c.endpointId, state: 'disabled', consecutiveFailures: 10, disabledAt: expect.any(String), ownerNotifiedAt: expect.any(String),
        disabledReason: '10 failed attempts in a row; the last: answered 500',
      });
      const byVersion = Object.fromEntries(res.body.deliveries.map((d: any) => [d.version, d]));
      expect(byVersion[1]).toMatchObject({ state: 'failed' });
      expect(byVersion[1].attempts).toHaveLength(8);
      expect(byVersion[2]).toMatchObject({ state: 'failed' });
      expect(byVersion[2].attempts).toHaveLength(2);

      // The owner hears of it: the customer's contact, the account manager and the escalation list.
      const notices = await waitFor(
        async () => (await t.mailpit.toDomain(t.domain)).filter((m) => m.Subject === `Webhook endpoint disabled for Hooks ${c.customerId} (${c.customerId})`),
        (m) => m.length >= 3,
        'the disabled-endpoint notices',
      );
      expect(notices.map((m) => m.To[0].Address).sort()).toEqual([am, `escalation@${t.domain}`, ops].sort());
      const text = await t.mailpit.text(notices[0].ID);
      expect(text).toContain(c.url);
      expect(text).toContain(`POST /v1/customers/${c.customerId}/webhooks/${c.endpointId}/enable`);

      // A disabled endpoint gets no delivery, and its owner is not told twice.
      const third = await deliver(tq, delivery(c.customerId, c.url, incidentId, 3));
      expect(third.result).toEqual({ outcome: 'endpoint-disabled', attempts: 1 });
      expect(requests()).toBe(10);

      // Only an admin turns it back on; then it gets deliveries again with a clean count.
      expect((await call('POST', `/v1/customers/${c.customerId}/webhooks/${c.endpointId}/enable`, keys.manager)).status).toBe(403);
      const enabled = await call('POST', `/v1/customers/${c.customerId}/webhooks/${c.endpointId}/enable`, keys.admin);
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({ endpointId: c.endpointId, state: 'enabled', consecutiveFailures: 0, enabledAt: expect.any(String), enabledBy: expect.any(String) });
      expect(enabled.body.disabledAt).toBeUndefined();
      scripts.set(c.path, []);
      const fourth = await deliver(tq, delivery(c.customerId, c.url, incidentId, 4));
      expect(fourth.result).toEqual({ outcome: 'sent', attempts: 1 });
      expect(requests()).toBe(11);
    });
    const after = await t.mailpit.toDomain(t.domain);
    expect(after.filter((m) => m.Subject.startsWith('Webhook endpoint disabled for') && m.To[0].Address === ops)).toHaveLength(1);
  }, 120_000);
});
