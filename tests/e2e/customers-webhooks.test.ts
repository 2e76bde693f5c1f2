import { randomBytes } from 'node:crypto';
import { workflowIdFor } from '../../domain/incident/core';
import { webhookDeliveryWorkflowId, webhookEndpointId } from '../../domain/webhooks/delivery';
import { newWebhookSecret, verifyWebhook, webhookIdFor } from '../../domain/webhooks';
import { demoWebhookSecret } from '../../store/demo-data';
import type { ReceivedDemoWebhook } from '../../stack/demo-receiver';
import { uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';
import { startWebhookReceiver, type ReceivedWebhook, type Receiver } from '../support/receivers';
import { declareIncident, waitForState } from '../support/incidents';
import { expectTrackedClick } from '../support/tracked-links';
import { waitFor } from '../support/wait';

/**
 * Customer webhooks through the API on the data set `npm start` seeds: the demo customers'
 * endpoints point at the demo receiver the stack runs, which verifies every signature.
 * The hours-long retry schedule and endpoint disabling are in tests/workflows/webhook-delivery.test.ts.
 */
let h: Harness;
const receivers: Receiver<ReceivedWebhook>[] = [];

beforeAll(async () => {
  h = await startHarness({ data: 'demo' });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await h?.close();
});

async function declare(severity: string, components: string[]) {
  return declareIncident(h, { title: `Webhook deliveries are delayed ${uniqueName('t')}`, category: 'outage', severity, components, summary: 'Some webhooks arrive late.' });
}

/** What the demo receiver got for one incident, read through its own HTTP API as a developer would. */
async function receivedFor(customerId: string, incidentId: string): Promise<ReceivedDemoWebhook[]> {
  const res = await fetch(`${h.demoHooks!.url}/hooks/${customerId}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { received: ReceivedDemoWebhook[] };
  return body.received.filter((r) => (r.payload as { data: { incidentId: string } }).data.incidentId === incidentId);
}

describe('customer webhooks on the demo data (Standard Webhooks)', () => {
  it('[M3.3, M7.6, M2.6] an incident on a component the demo webhook customers subscribe to reaches their endpoints, signed, verified by the demo receiver, and listed in the API', async () => {
    const id = await declare('SEV3', ['webhook-delivery']);
    await waitForState(h, id, (s) => s.status === 'published');
    // Stark (German) and Tyrell subscribe to webhook-delivery and have endpoints; Acme does not subscribe to it.
    const [stark, tyrell] = await Promise.all(
      ['stark', 'tyrell'].map((c) => waitFor(() => receivedFor(c, id), (r) => r.length === 1, `the webhook of ${id} at ${c}`)),
    );
    expect(await receivedFor('acme', id)).toEqual([]);
    for (const [customerId, [got]] of [['stark', stark], ['tyrell', tyrell]] as const) {
      const url = `${h.demoHooks!.url}/hooks/${customerId}`;
      expect(got.webhookId).toBe(webhookIdFor(id, 1, url));
      expect(got.requests).toBe(1);
      expect(got.headers).toMatchObject({
        'content-type': 'application/json', 'webhook-id': got.webhookId, 'webhook-timestamp': String(got.timestamp),
        'x-herald-incident-id': id, 'x-herald-severity': 'SEV3', 'x-herald-category': 'outage', 'x-herald-message-version': '1',
      });
      expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(got.payload).toMatchObject({
        type: 'incident.updated',
        data: { incidentId: id, severity: 'SEV3', category: 'outage', version: 1, phase: 'investigating', statusPageUrl: expect.stringMatching(/^http:\/\/status\.herald\.test\/r\//) },
      });

      // The API lists the delivery: one attempt, accepted, with the same webhook-id; the endpoint is enabled.
      // The attempt is recorded once the receiver's answer is back, so a moment after the receiver saw it.
      const res = await waitFor(
        () => h.request('GET', `/v1/customers/${customerId}/webhooks/deliveries?incidentId=${id}`, { key: keys.responder }),
        (r) => r.status !== 200 || r.body.deliveries.length > 0, `the delivery to ${customerId} in the API`,
      );
      expect(res.status).toBe(200);
      expect(res.body.endpoints).toEqual([
        expect.objectContaining({ endpointId: webhookEndpointId(customerId, url), url, state: 'enabled', consecutiveFailures: 0, disableAfter: 10 }),
      ]);
      expect(res.body.deliveries).toEqual([
        {
          webhookId: got.webhookId, endpointId: webhookEndpointId(customerId, url), incidentId: id, version: 1, state: 'delivered',
          attempts: [{ attempt: 1, at: expect.any(String), ok: true, status: 204, durationMs: expect.any(Number) }],
        },
      ]);
    }
    expect((stark[0].payload as { data: { locale?: string } }).data.locale).toBe('de');
    await expectTrackedClick(h, (tyrell[0].payload as { data: { statusPageUrl: string } }).data.statusPageUrl, { incidentId: id, channel: 'webhook', segment: 'business', version: 1 });

    // The closing message reaches them too, each version with its own webhook-id.
    const resolved = await h.request('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'Webhook delivery has caught up.' } });
    expect(resolved.status).toBe(202);
    await h.client.workflow.getHandle(workflowIdFor(id)).result();
    const closing = await waitFor(() => receivedFor('tyrell', id), (r) => r.length === 2, `the closing webhook of ${id}`);
    expect(closing[0].payload).toMatchObject({ data: { version: 2, phase: 'resolved' } });
    expect(closing[0].webhookId).not.toBe(closing[1].webhookId);
    // The demo receiver refuses what its secret does not sign.
    const forged = await fetch(`${h.demoHooks!.url}/hooks/tyrell`, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, body: '{}' });
    expect(forged.status).toBe(401);
    expect(verifyWebhook(demoWebhookSecret('tyrell'), closing[0].headers, JSON.stringify(closing[0].payload), { now: new Date() }).valid).toBe(true);
  });

  it('[M3.3, X2] an endpoint that answers 500 does not hold the incident: the version is published and the resolve completes while its retries are still pending, and the API lists the attempts', async () => {
    const hook = await startWebhookReceiver(newWebhookSecret(randomBytes(32)));
    receivers.push(hook);
    hook.failNext(1_000_000, 500);
    const customerId = uniqueName('broken').toLowerCase();
    const url = `${hook.url}/hooks/${customerId}`;
    const created = await h.request('POST', '/v1/customers', {
      key: keys.admin,
      body: { customerId, name: 'Broken Hooks Ltd', tier: 'business', locale: 'en', emails: [`ops@${h.domain}`], webhooks: [{ url, secret: newWebhookSecret(randomBytes(32)) }], subscriptions: ['webhook-delivery'] },
    });
    expect(created.status).toBe(201);

    const id = await declare('SEV3', ['webhook-delivery']);
    await waitForState(h, id, (s) => s.status === 'published');
    const resolved = await h.request('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'Webhook delivery has caught up.' } });
    expect(resolved.status).toBe(202);
    // The incident's workflow completes: nothing of it waited for the broken endpoint.
    expect(await h.client.workflow.getHandle(workflowIdFor(id)).result()).toMatchObject({ status: 'resolved' });

    const retries = [1, 2].map((v) => h.client.workflow.getHandle(webhookDeliveryWorkflowId(webhookIdFor(id, v, url))));
    try {
      // Each version's delivery goes on in its own workflow, beside the finished incident.
      for (const r of retries) expect((await r.describe()).status.name).toBe('RUNNING');
      const res = await h.request('GET', `/v1/customers/${customerId}/webhooks/deliveries?incidentId=${id}`, { key: keys.manager });
      expect(res.status).toBe(200);
      expect(res.body.deliveries.map((d: { version: number }) => d.version).sort()).toEqual([1, 2]);
      for (const d of res.body.deliveries) {
        expect(d).toMatchObject({ state: 'retrying', webhookId: webhookIdFor(id, d.version, url) });
        expect(d.attempts[0]).toMatchObject({ attempt: 1, ok: false, status: 500, error: 'answered 500', nextAttemptAt: expect.any(String) });
        expect(d.attempts.every((a: { ok: boolean }) => !a.ok)).toBe(true);
      }
      expect(res.body.endpoints).toEqual([expect.objectContaining({ url, state: 'enabled', consecutiveFailures: expect.any(Number) })]);
      expect(res.body.endpoints[0].consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(hook.accepted).toEqual([]);

      // Bad input and missing rights are refused plainly.
      expect((await h.request('GET', `/v1/customers/${customerId}/webhooks/deliveries`, { key: keys.viewer })).status).toBe(403);
      expect((await h.request('GET', '/v1/customers/nobody-here/webhooks/deliveries', { key: keys.manager })).status).toBe(404);
      expect((await h.request('GET', `/v1/customers/${customerId}/webhooks/deliveries?limit=0`, { key: keys.manager })).status).toBe(400);
      expect((await h.request('POST', `/v1/customers/${customerId}/webhooks/ep_00000000000000000000/enable`, { key: keys.admin })).status).toBe(404);
      expect((await h.request('POST', `/v1/customers/${customerId}/webhooks/not-an-endpoint/enable`, { key: keys.admin })).status).toBe(400);
      expect((await h.request('POST', `/v1/customers/${customerId}/webhooks/${webhookEndpointId(customerId, url)}/enable`, { key: keys.responder })).status).toBe(403);
      const doc = await h.request('GET', '/openapi.json');
      expect(doc.body.paths['/v1/customers/{id}/webhooks/deliveries']).toBeDefined();
      expect(doc.body.paths['/v1/customers/{id}/webhooks/{endpointId}/enable']).toBeDefined();
    } finally {
      // The schedule runs for hours; the time-skipping test follows it to the end.
      await Promise.all(retries.map((r) => r.terminate('test over').catch(() => undefined)));
    }
  });
});
