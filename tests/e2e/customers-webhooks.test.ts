import { NativeConnection, Worker } from '@temporalio/worker';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookActivities, type WebhookDelivery } from '../../activities/webhooks';
import { newWebhookSecret, verifyWebhook, type WebhookVerdict } from '../../domain/webhooks';
import { testEnv, uniqueName } from '../support/env';
import { keys, startHarness, workerConfig, type Harness } from '../support/harness';
import { expectTrackedClick } from '../support/tracked-links';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
const secret = newWebhookSecret();
const received: { headers: IncomingHttpHeaders; body: string; verdict: WebhookVerdict; answered: number }[] = [];
/** The receiver answers these statuses in turn, then 204. */
let script: number[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
  // The receiving side, written from the specification: verify the raw body before parsing it.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = verifyWebhook(secret, req.headers, body, { toleranceSeconds: 300 });
      const answered = !verdict.valid ? 401 : (script.shift() ?? 204);
      received.push({ headers: req.headers, body, verdict, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/herald`;
  const created = await h.request('POST', '/v1/customers', {
    key: keys.admin,
    body: { customerId: 'hookco', name: 'Hook Co', tier: 'business', webhooks: [{ url: receiverUrl, secret }], subscriptions: ['api'] },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await h?.close();
});

const delivery = (incidentId: string): WebhookDelivery => ({
  incidentId, severity: 'SEV2', category: 'outage', version: 3, phase: 'identified',
  subject: 'API errors: identified', text: 'We found the cause & are fixing it.', publishedAt: '2024-05-01T10:00:00.000Z',
  customerId: 'hookco', endpointUrl: receiverUrl,
});

async function runDelivery(d: WebhookDelivery) {
  const taskQueue = uniqueName('tq-webhooks');
  const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./webhook-delivery.workflow'),
      activities: createWebhookActivities({ store: h.store, mailer: undefined as never, config: workerConfig('http://status.herald.test') }),
    });
    return await worker.runUntil(
      h.client.workflow.execute('deliverOneWebhook', { taskQueue, workflowId: uniqueName('wh'), args: [d] }),
    );
  } finally {
    await connection.close();
  }
}

describe('customer webhooks (Standard Webhooks)', () => {
  it('[M3.3, M7.6, X2, M2.6] delivers a signed incident.updated event with a tracked status-page link, retried by Temporal with the same webhook-id until the endpoint accepts it, and never twice', async () => {
    script = [503, 500];
    const incidentId = uniqueName('INC-WH');
    const result = await runDelivery(delivery(incidentId));
    expect(result).toEqual({ outcome: 'sent', webhookId: expect.stringMatching(/^msg_/) });

    const mine = received.filter((r) => r.body.includes(incidentId));
    expect(mine.map((r) => r.answered)).toEqual([503, 500, 204]);
    for (const r of mine) {
      expect(r.verdict).toEqual({ valid: true, id: result.webhookId, timestamp: Number(r.headers['webhook-timestamp']) });
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(r.body).toBe(mine[0].body);
    }
    expect(JSON.parse(mine[0].body)).toEqual({
      type: 'incident.updated',
      timestamp: '2024-05-01T10:00:00.000Z',
      data: {
        incidentId, severity: 'SEV2', category: 'outage', version: 3, phase: 'identified',
        subject: 'API errors: identified', text: 'We found the cause & are fixing it.',
        statusPageUrl: expect.stringMatching(/^http:\/\/status\.herald\.test\/r\//),
      },
    });
    // The link is tracked for the webhook channel, segmented by the customer's tier; following it counts a click.
    await expectTrackedClick(h, JSON.parse(mine[0].body).data.statusPageUrl, { incidentId, channel: 'webhook', segment: 'business', version: 3 });
    // Another secret does not verify, and neither does a tampered body.
    expect(verifyWebhook(newWebhookSecret(), mine[2].headers, mine[2].body).valid).toBe(false);
    expect(verifyWebhook(secret, mine[2].headers, mine[2].body.replace('fixing', 'ignoring')).valid).toBe(false);

    const again = await runDelivery(delivery(incidentId));
    expect(again).toEqual({ outcome: 'already-sent', webhookId: result.webhookId });
    expect(received.filter((r) => r.body.includes(incidentId))).toHaveLength(3);
    const record = await h.store.models.Delivery.findOne({ incidentId, channel: 'webhook' }).lean();
    expect(record).toMatchObject({ status: 'sent', messageId: result.webhookId, attempts: 4 });
  });

  it('[M5.5, M3.3] passes the text through the external gate: internal names are redacted, key material blocks the delivery', async () => {
    const redactedId = uniqueName('INC-WH');
    const sent = await runDelivery({ ...delivery(redactedId), text: 'Requests through pgbouncer on db-7.corp failed; we are restarting it now and expect recovery within the hour.' });
    expect(sent.outcome).toBe('sent');
    const got = received.find((r) => r.body.includes(redactedId))!;
    expect(got.verdict.valid).toBe(true);
    expect(got.body).not.toMatch(/pgbouncer|db-7\.corp/);
    expect(JSON.parse(got.body).data.text).toContain('we are restarting it now');

    const blockedId = uniqueName('INC-WH');
    const key = ['-----BEGIN RSA PRIVATE', 'KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE', 'KEY-----'].join(' ');
    await expect(runDelivery({ ...delivery(blockedId), text: `Our fix: ${key}` })).rejects.toThrow();
    expect(received.some((r) => r.body.includes(blockedId))).toBe(false);
    expect(await h.store.models.Delivery.findOne({ incidentId: blockedId }).lean()).toMatchObject({ status: 'failed' });
  });

  it('[M3.3] skips an endpoint the customer has removed since the audience was computed', async () => {
    const gone = await runDelivery({ ...delivery(uniqueName('INC-WH')), endpointUrl: 'https://removed.example/hook' });
    expect(gone.outcome).toBe('endpoint-removed');
  });
});
