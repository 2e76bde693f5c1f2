import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type HeraldActivities } from '../../activities';
import type { ChannelDispatchRequest, ChannelDispatchResult } from '../../activities/channels-dispatch';
import { deliveryChannels } from '../../domain/delivery/channel-deliveries';
import type { IncidentInput } from '../../domain/incident';
import type { MessageVersion } from '../../domain/messages';
import { newWebhookSecret, verifyWebhook, webhookIdFor } from '../../domain/webhooks';
import { webhookDeliveryWorkflowId } from '../../domain/webhooks/delivery';
import { slackRefFor } from '../../store/channel-secrets';
import { uniqueName } from '../support/env';
import { keys, startHarness, workerConfig, type Harness } from '../support/harness';
import { expectTrackedClick } from '../support/tracked-links';
import { startSlackReceiver, startWebhookReceiver, type Receiver, type ReceivedWebhook, type SlackIncomingMessage } from '../support/receivers';

let h: Harness;
let activities: HeraldActivities;
const secret = newWebhookSecret(randomBytes(32));
const receivers: Receiver<unknown>[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
  activities = createActivities({ store: h.store, mailer: h.mailer, config: workerConfig('http://status.herald.test') });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await h?.close();
});

async function webhookReceiver(): Promise<Receiver<ReceivedWebhook>> {
  const r = await startWebhookReceiver(secret);
  receivers.push(r as Receiver<unknown>);
  return r;
}

async function slackReceiver(): Promise<Receiver<SlackIncomingMessage>> {
  const r = await startSlackReceiver();
  receivers.push(r as Receiver<unknown>);
  return r;
}

/** A component of this test's own, so that its incident reaches only the customers the test adds. */
async function component(): Promise<string> {
  const componentId = uniqueName('comp');
  await h.store.models.Component.create({ componentId, name: componentId, service: 'test', dependsOn: [] });
  return componentId;
}

async function customer(componentId: string, opts: { locale?: string; webhooks?: string[]; tier?: 'enterprise' | 'business' | 'standard' } = {}): Promise<string> {
  const customerId = uniqueName('cust').toLowerCase();
  await h.store.models.Customer.create({
    customerId, name: customerId, tier: opts.tier ?? 'business', locale: opts.locale ?? 'en', emails: [], subscriptions: [componentId],
    webhooks: opts.webhooks?.map((url) => ({ url, secret })),
  });
  return customerId;
}

function incidentOn(componentId: string): IncidentInput {
  return {
    id: uniqueName('INC-CH'), title: 'Checkout API errors', category: 'outage', severity: 'SEV2', components: [componentId],
    summary: 'Some requests fail.', declaredBy: 'test', detectedAt: new Date().toISOString(),
  };
}

function messageV(version: number, text = 'Some requests to the API fail. We are investigating.'): MessageVersion {
  return {
    version, hash: `hash-${version}`, phase: 'investigating', subject: `API errors (update ${version})`, text, html: `<p>${text}</p>`,
    templateId: 'outage-investigating-major', createdAt: new Date().toISOString(), author: 'test', locale: 'en',
    translations: { de: { subject: `API-Fehler (Update ${version})`, text: 'Einige Anfragen an die API schlagen fehl.', html: '<p>Einige Anfragen an die API schlagen fehl.</p>' } },
  };
}

function request(incident: IncidentInput, message: MessageVersion, internal: Partial<ChannelDispatchRequest['internal']> = {}, delivered: ChannelDispatchRequest['delivered'] = []): ChannelDispatchRequest {
  return {
    incident, message, publishedAt: new Date().toISOString(), delivered,
    internal: { slackWebhooks: internal.slackWebhooks ?? [], distributionLists: internal.distributionLists ?? [] },
  };
}

/** The activity context of the harness's task queue, with a client: a failed first webhook attempt starts its retry workflow there. */
const activityEnv = () => new MockActivityEnvironment({ taskQueue: h.taskQueue }, { client: h.client });
const deliver = (req: ChannelDispatchRequest, env = activityEnv()): Promise<ChannelDispatchResult> => env.run(activities.deliverChannels, req);

describe('channel dispatch after the status page (M3.3)', () => {
  it('[M3.3] records every channel of a version after publishStatusPage and deliverChannels, and reports consistent lag figures', async () => {
    const comp = await component();
    const hook = await webhookReceiver();
    const slack = await slackReceiver();
    await customer(comp, { webhooks: [`${hook.url}/herald`] });
    await customer(comp);
    const incident = incidentOn(comp);
    const message = messageV(1);
    const publishedAt = new Date().toISOString();

    await new MockActivityEnvironment().run(activities.publishStatusPage, { incident, message, publishedAt });
    // The workflow's email fan-out finishes after the page and reports when.
    const emailDoneAt = new Date(Date.now() + 5).toISOString();
    const req = { ...request(incident, message, { slackWebhooks: [`${slack.url}/services/T0/B0/x`], distributionLists: [`staff-${uniqueName('l')}@${h.domain}`] }, [{ channel: 'email', deliveredAt: emailDoneAt, count: 3 }]), publishedAt };
    const result = await deliver(req);
    expect(result).toEqual({
      webhooks: { endpoints: 1, sent: 1, alreadySent: 0, retrying: 0, disabled: 0, failed: 0 },
      inApp: { customers: 2 },
      slack: { sent: 1, failed: 0 },
      internalEmail: { sent: 1 },
      lag: { boundMs: 300_000, maxLagMs: expect.any(Number), withinBound: true, late: [] },
    });

    const rows = await h.store.models.ChannelDelivery.find({ incidentId: incident.id }).lean();
    expect(rows.map((r) => r.channel).sort()).toEqual([...deliveryChannels].sort());
    expect(rows.every((r) => r._id === `${incident.id}#v1#${r.channel}` && r.version === 1)).toBe(true);
    const row = (channel: string) => rows.find((r) => r.channel === channel)!;
    expect(row('email')).toMatchObject({ count: 3, deliveredAt: new Date(emailDoneAt) });
    expect(row('in-app').count).toBe(2);
    expect(row('webhook').count).toBe(1);
    expect(row('status-api').deliveredAt).toEqual(row('status-page').deliveredAt);

    const res = await h.request('GET', `/v1/incidents/${incident.id}/channels`, { key: keys.viewer });
    expect(res.status).toBe(200);
    expect(res.body.incidentId).toBe(incident.id);
    expect(res.body.versions).toHaveLength(1);
    const [v] = res.body.versions as { version: number; firstChannel: string; firstAt: string; maxLagMs: number; channels: { channel: string; deliveredAt: string; count: number; lagMs: number }[] }[];
    expect(v.version).toBe(1);
    expect(v.firstChannel).toBe('status-page');
    expect(v.channels[0].channel).toBe('status-page');
    expect(v.channels.map((c) => c.channel).sort()).toEqual([...deliveryChannels].sort());
    for (const c of v.channels) {
      expect(c.lagMs).toBeGreaterThanOrEqual(0);
      expect(c.lagMs).toBe(Date.parse(c.deliveredAt) - Date.parse(v.firstAt));
    }
    const lag = (channel: string) => v.channels.find((c) => c.channel === channel)!.lagMs;
    expect(lag('status-api')).toBe(0);
    expect(lag('in-app')).toBe(0);
    expect(v.maxLagMs).toBe(Math.max(...v.channels.map((c) => c.lagMs)));
    expect(v.maxLagMs).toBeGreaterThanOrEqual(lag('webhook'));

    // Every read role may look; an unknown incident is 404, a malformed ID 400, no key 401.
    for (const key of [keys.responder, keys.approver, keys.manager, keys.admin]) {
      expect((await h.request('GET', `/v1/incidents/${incident.id}/channels`, { key })).status).toBe(200);
    }
    expect((await h.request('GET', '/v1/incidents/INC-never-declared/channels', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/incidents/bad%20id!/channels', { key: keys.viewer })).status).toBe(400);
    expect((await h.request('GET', `/v1/incidents/${incident.id}/channels`)).status).toBe(401);
    const doc = await h.request('GET', '/openapi.json');
    expect(doc.body.paths['/v1/incidents/{id}/channels']).toBeDefined();
  });

  it('[M3.3, X2] makes one attempt per webhook endpoint and hands the failures to their retry workflows at once; a rerun sends nothing twice and starts no second workflow', async () => {
    const comp = await component();
    const flaky = await webhookReceiver();
    const steady = await webhookReceiver();
    const dead = await webhookReceiver();
    await customer(comp, { webhooks: [`${flaky.url}/a`, `${steady.url}/b`] });
    const deadCustomer = await customer(comp, { webhooks: [`${dead.url}/c`] });
    flaky.failNext(1, 503);
    dead.failNext(1_000, 500);
    const incident = incidentOn(comp);
    const message = messageV(2);
    await new MockActivityEnvironment().run(activities.publishStatusPage, { incident, message, publishedAt: new Date().toISOString() });

    const first = await deliver(request(incident, message));
    expect(first.webhooks).toEqual({ endpoints: 3, sent: 1, alreadySent: 0, retrying: 2, disabled: 0, failed: 0 });
    // One request each: no endpoint's retries run inside the dispatch.
    expect([flaky.requests.length, steady.requests.length, dead.requests.length]).toEqual([1, 1, 1]);
    expect(steady.accepted).toHaveLength(1);
    for (const r of [flaky, steady, dead]) expect(r.refused).toEqual([]);

    // Each failed delivery has its retry workflow, named by its webhook-id, on the worker's task queue.
    const handles = [`${flaky.url}/a`, `${dead.url}/c`].map((url) => h.client.workflow.getHandle(webhookDeliveryWorkflowId(webhookIdFor(incident.id, 2, url))));
    try {
      const runIds: string[] = [];
      for (const handle of handles) {
        const described = await handle.describe();
        expect(described.status.name).toBe('RUNNING');
        expect(described.taskQueue).toBe(h.taskQueue);
        runIds.push(described.runId);
      }
      const deadKey = `${incident.id}|v2|webhook|${deadCustomer} ${dead.url}/c`;
      expect(await h.store.models.Delivery.collection.findOne({ _id: deadKey as never })).toMatchObject({ status: 'failed', channel: 'webhook' });
      // The first attempt is recorded with the endpoint's answer, and the next one is due.
      const attempts = await h.store.models.WebhookAttempt.find({ incidentId: incident.id }).lean();
      expect(attempts.map((a) => [a.attempt, a.ok, a.status]).sort()).toEqual([[1, false, 500], [1, false, 503], [1, true, 204]]);
      expect(attempts.filter((a) => !a.ok).every((a) => a.nextAttemptAt && a.nextAttemptAt > a.at)).toBe(true);
      const webhookRow = await h.store.models.ChannelDelivery.findById(`${incident.id}#v2#webhook`).lean();
      expect(webhookRow).toMatchObject({ count: 1, failed: 2 });

      // A rerun (Temporal's retry of the activity) repeats no request and finds the workflows it started.
      const second = await deliver(request(incident, message));
      expect(second.webhooks).toEqual({ endpoints: 3, sent: 0, alreadySent: 1, retrying: 2, disabled: 0, failed: 0 });
      expect([flaky.requests.length, steady.requests.length, dead.requests.length]).toEqual([1, 1, 1]);
      expect(await Promise.all(handles.map(async (handle) => (await handle.describe()).runId))).toEqual(runIds);
      expect(await h.store.models.ChannelDelivery.findById(`${incident.id}#v2#webhook`).lean()).toEqual(webhookRow);
    } finally {
      // No worker polls this harness's queue; the retries are the time-skipping test's (tests/workflows/webhook-delivery.test.ts).
      await Promise.all(handles.map((handle) => handle.terminate('test over').catch(() => undefined)));
    }
  });

  it('[M7.6, M2.6] signs each webhook and carries incident ID, severity, category, version and a tracked status-page link in the payload and the headers, in the customer\'s locale', async () => {
    const comp = await component();
    const hook = await webhookReceiver();
    await customer(comp, { locale: 'de', webhooks: [`${hook.url}/de`], tier: 'enterprise' });
    await customer(comp, { webhooks: [`${hook.url}/en`] });
    const incident = incidentOn(comp);
    const message = messageV(3);
    const result = await deliver(request(incident, message));
    expect(result.webhooks).toEqual({ endpoints: 2, sent: 2, alreadySent: 0, retrying: 0, disabled: 0, failed: 0 });
    expect(hook.refused).toEqual([]);
    expect(hook.accepted).toHaveLength(2);
    for (const { body, headers } of hook.accepted) {
      expect(body.verdict.valid).toBe(true);
      expect(verifyWebhook(newWebhookSecret(randomBytes(32)), headers, body.raw, { now: new Date() }).valid).toBe(false);
      expect(body.payload).toMatchObject({
        type: 'incident.updated',
        data: { incidentId: incident.id, severity: 'SEV2', category: 'outage', version: 3, phase: 'investigating', statusPageUrl: expect.stringMatching(/^http:\/\/status\.herald\.test\/r\//) },
      });
      expect(headers).toMatchObject({
        'x-herald-incident-id': incident.id, 'x-herald-severity': 'SEV2', 'x-herald-category': 'outage', 'x-herald-message-version': '3',
      });
    }
    const byLocale = Object.fromEntries(hook.accepted.map((a) => [a.body.payload.data.locale, a.body.payload.data]));
    expect(byLocale.de).toMatchObject({ subject: 'API-Fehler (Update 3)', text: 'Einige Anfragen an die API schlagen fehl.' });
    expect(byLocale.en).toMatchObject({ subject: 'API errors (update 3)', text: message.text });
    // The link names the webhook channel and the customer's tier as the segment; following it counts a click.
    await expectTrackedClick(h, byLocale.de.statusPageUrl, { incidentId: incident.id, channel: 'webhook', segment: 'enterprise', version: 3 });
    await expectTrackedClick(h, byLocale.en.statusPageUrl, { incidentId: incident.id, channel: 'webhook', segment: 'business', version: 3 });
  });

  it('[M3.3, M2.6] posts Slack-compatible {text, blocks} (header and mrkdwn sections within Block Kit limits), with a tracked status-page link, honours Retry-After, and posts once per URL', async () => {
    const comp = await component();
    const slack = await slackReceiver();
    const gone = await slackReceiver();
    gone.failNext(1_000, 404);
    slack.failNext(1, 429, { 'retry-after': '1' });
    const incident = { ...incidentOn(comp), title: 'Checkout <!channel> & payments' };
    const long = Array.from({ length: 120 }, (_, i) => `Line ${i}: requests through db-7.corp fail for some customers & we are on it.`).join('\n');
    const message = messageV(4, long);
    const url = `${slack.url}/services/T000/B000/XXXX`;
    const result = await deliver(request(incident, message, { slackWebhooks: [url, url, `${gone.url}/services/T1/B1/Y`] }));
    expect(result.slack).toEqual({ sent: 1, failed: 1 });
    expect(gone.requests).toHaveLength(1);

    expect(slack.refused).toEqual([]);
    expect(slack.accepted).toHaveLength(1);
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1] - slack.requests[0]).toBeGreaterThanOrEqual(950);
    const { body, headers } = slack.accepted[0];
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(typeof body.text).toBe('string');
    expect(body.text.length).toBeGreaterThan(0);
    const blocks = body.blocks!;
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '[SEV2] Checkout <!channel> & payments' } });
    const sections = blocks.slice(1) as { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
    expect(sections.length).toBeGreaterThan(3);
    for (const s of sections) {
      expect(s.type).toBe('section');
      expect(s.text.type).toBe('mrkdwn');
      expect(s.text.text.length).toBeGreaterThan(0);
      expect(s.text.text.length).toBeLessThanOrEqual(3000);
    }
    const all = sections.map((s) => s.text.text).join('\n');
    expect(all).toContain('*Severity:* SEV2');
    expect(all).toContain(`*Incident:* ${incident.id}`);
    expect(all).toContain('*Version:* 4');
    expect(all).toContain('API errors (update 4)');
    // The status-page link is a tracked one for staff on Slack, and following it counts a click.
    const link = /<(http:\/\/status\.herald\.test\/r\/[^|>]+)\|View on the status page>/.exec(all)?.[1];
    expect(link).toBeDefined();
    expect(body.text).toContain(link);
    await expectTrackedClick(h, link!, { incidentId: incident.id, channel: 'slack', segment: 'staff', version: 4 });
    // The gate ran (no internal host names) and Slack markup in the text is escaped.
    expect(all).not.toContain('db-7.corp');
    expect(all).toContain('&amp; we are on it');
    expect(body.text).not.toContain('<!channel>');

    const again = await deliver(request(incident, message, { slackWebhooks: [url] }));
    expect(again.slack).toEqual({ sent: 0, failed: 0 });
    expect(slack.requests).toHaveLength(2);
    const record = await h.store.models.Delivery.findOne({ incidentId: incident.id, channel: 'slack', status: 'sent' }).lean();
    expect(record?.recipient).toMatch(/^127\.0\.0\.1:\d+#[0-9a-f]{16}$/);
    expect(record?.recipient).not.toContain('XXXX');
  });

  it('[M3.3, M7.6, M2.6] emails each distribution list once, through Mailpit, with the X-Herald metadata headers a deterministic Message-ID and a tracked status-page link', async () => {
    const comp = await component();
    const incident = incidentOn(comp);
    const message = messageV(5);
    const list = `staff-${uniqueName('l').toLowerCase()}@${h.domain}`;
    const result = await deliver(request(incident, message, { distributionLists: [list, list.toUpperCase()] }));
    expect(result.internalEmail).toEqual({ sent: 1 });
    const mine = (msgs: { To: { Address: string }[] }[]) => msgs.filter((m) => m.To.some((t) => t.Address.toLowerCase() === list));
    const got = mine(await h.mailpit.waitFor(h.domain, (msgs) => mine(msgs).length >= 1));
    expect(got).toHaveLength(1);
    const msg = got[0] as (typeof got)[number] & { ID: string; MessageID: string; Subject: string };
    expect(msg.Subject).toBe('API errors (update 5)');
    const headers = await h.mailpit.headers(msg.ID);
    expect(headers['X-Herald-Incident-Id']).toEqual([incident.id]);
    expect(headers['X-Herald-Severity']).toEqual(['SEV2']);
    expect(headers['X-Herald-Category']).toEqual(['outage']);
    expect(headers['X-Herald-Message-Version']).toEqual(['5']);
    expect(msg.MessageID).toBe(`${incident.id}.v5.list.${list.replace('@', '_')}@herald.test`);
    // A tracked status-page link for staff on the internal email channel; following it counts a click.
    const link = /Status page: (\S+)/.exec(await h.mailpit.text(msg.ID))?.[1];
    expect(link).toBeDefined();
    await expectTrackedClick(h, link!, { incidentId: incident.id, channel: 'internal-email', segment: 'staff', version: 5 });

    const again = await deliver(request(incident, message, { distributionLists: [list] }));
    expect(again.internalEmail).toEqual({ sent: 0 });
    // The activity returned: whatever it sent, Mailpit holds.
    expect(mine(await h.mailpit.toDomain(h.domain))).toHaveLength(1);
    expect(await h.store.models.ChannelDelivery.findById(`${incident.id}#v5#internal-email`).lean()).toMatchObject({ count: 1 });
  });
  it('[M5.6, M5.5] a translation the gate blocks leaves its webhooks unsent and records one near miss for its locale; a redacted one and a blocked staff message are near misses too', async () => {
    const comp = await component();
    const hook = await webhookReceiver();
    const slack = await slackReceiver();
    await customer(comp, { locale: 'de', webhooks: [`${hook.url}/de1`] });
    await customer(comp, { locale: 'de', webhooks: [`${hook.url}/de2`] });
    await customer(comp, { locale: 'fr', webhooks: [`${hook.url}/fr`] });
    await customer(comp, { webhooks: [`${hook.url}/en`] });
    const incident = incidentOn(comp);
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA7x9'.repeat(4)}\n-----END RSA PRIVATE KEY-----`;
    const message: MessageVersion = {
      ...messageV(6),
      translations: {
        de: { subject: 'API-Fehler', text: `Einige Anfragen schlagen fehl.\n${key}`, html: '' },
        fr: { subject: 'Erreurs API', text: 'Certaines requêtes vers db-7.corp échouent pour une partie des clients.', html: '' },
      },
    };
    const result = await deliver(request(incident, message));
    expect(result.webhooks).toEqual({ endpoints: 4, sent: 2, alreadySent: 0, retrying: 0, disabled: 0, failed: 2 });
    const paths = hook.accepted.map((a) => a.body.payload.data.locale ?? 'en').sort();
    expect(paths).toEqual(['en', 'fr']);
    const fr = hook.accepted.find((a) => a.body.payload.data.locale === 'fr')!;
    expect(fr.body.payload.data.text).not.toContain('db-7.corp');

    const misses = await h.store.models.NearMiss.find({ incidentId: incident.id }).lean();
    const blocked = misses.filter((m) => m.kind === 'blocked-publication');
    // Two German customers, one record: keyed by version, channel and locale.
    expect(blocked).toHaveLength(1);
    expect(blocked[0].details).toMatchObject({ channel: 'webhook', version: 6, locale: 'de' });
    expect(JSON.stringify(blocked[0].details)).not.toContain('MIIEowIBAAKCAQEA7x9MIIE');
    const redacted = misses.filter((m) => m.kind === 'redacted-disclosure');
    expect(redacted).toHaveLength(1);
    expect(redacted[0].details).toMatchObject({ channel: 'webhook', version: 6, locale: 'fr' });

    // A rerun (Temporal's retry) records nothing twice.
    await deliver(request(incident, message));
    expect(await h.store.models.NearMiss.countDocuments({ incidentId: incident.id })).toBe(2);

    // The staff channels share the primary text: a block there stops Slack and the lists, and is recorded.
    const quiet = incidentOn(await component());
    const list = `staff-${uniqueName('l').toLowerCase()}@${h.domain}`;
    const staff = await deliver(request(quiet, { ...messageV(7, `Rotate this now: ${key}`), translations: {} }, { slackWebhooks: [`${slack.url}/services/T/B/Z`], distributionLists: [list] }));
    expect(staff.slack).toEqual({ sent: 0, failed: 1 });
    expect(staff.internalEmail).toEqual({ sent: 0 });
    expect(slack.requests).toHaveLength(0);
    const res = await h.request('GET', `/v1/incidents/${quiet.id}/near-misses`, { key: keys.manager });
    expect(res.status).toBe(200);
    expect(res.body.nearMisses).toHaveLength(1);
    expect(res.body.nearMisses[0]).toMatchObject({ kind: 'blocked-publication', details: { channel: 'staff-channels', version: 7 } });
  });
  it('[M3.3] posts to a Slack webhook named by reference through the secret store; an unknown reference is counted failed, never guessed', async () => {
    const slack = await slackReceiver();
    const incident = incidentOn(await component());
    const url = `${slack.url}/services/T9/B9/by-reference`;
    const ref = slackRefFor(url);
    await h.store.models.ChannelSecret.create({ _id: ref, kind: 'slack-webhook', url, createdAt: new Date() });
    const unknown = slackRefFor('https://hooks.example.invalid/services/T/B/gone');
    const result = await deliver(request(incident, messageV(8), { slackWebhooks: [ref, unknown, ref] }));
    expect(result.slack).toEqual({ sent: 1, failed: 1 });
    expect(slack.accepted).toHaveLength(1);
    expect(await h.store.models.Delivery.findOne({ incidentId: incident.id, channel: 'slack' }).lean()).toMatchObject({ recipient: ref, status: 'sent' });
    expect(await h.store.models.ChannelDelivery.findById(`${incident.id}#v8#slack`).lean()).toMatchObject({ count: 1, failed: 1 });
  });
  it('[M3.3] bounds the lag: a channel that carried the version later than the bound behind the page is named late in the result and the channel log', async () => {
    const incident = incidentOn(await component());
    const message = messageV(9);
    const publishedAt = new Date().toISOString();
    await new MockActivityEnvironment().run(activities.publishStatusPage, { incident, message, publishedAt });
    const page = await h.store.models.ChannelDelivery.findById(`${incident.id}#v9#status-page`).lean();
    // The email fan-out reports it finished ten minutes after the page: past the default five-minute bound.
    const emailAt = new Date(page!.deliveredAt.getTime() + 10 * 60_000).toISOString();
    const result = await deliver(request(incident, message, {}, [{ channel: 'email', deliveredAt: emailAt, count: 7 }]));
    expect(result.lag).toEqual({ boundMs: 300_000, maxLagMs: 600_000, withinBound: false, late: [{ channel: 'email', lagMs: 600_000 }] });

    const res = await h.request('GET', `/v1/incidents/${incident.id}/channels`, { key: keys.viewer });
    expect(res.status).toBe(200);
    expect(res.body.boundMs).toBe(300_000);
    const [v] = res.body.versions;
    expect(v).toMatchObject({ version: 9, maxLagMs: 600_000, withinBound: false });
    expect(v.channels.filter((c: { late: boolean }) => c.late).map((c: { channel: string }) => c.channel)).toEqual(['email']);
    expect(v.channels.find((c: { channel: string }) => c.channel === 'status-api')).toMatchObject({ lagMs: 0, late: false });

    // A bound set in the environment applies to the report at once.
    process.env.HERALD_CHANNEL_LAG_BOUND_SECONDS = '900';
    try {
      const relaxed = await h.request('GET', `/v1/incidents/${incident.id}/channels`, { key: keys.viewer });
      expect(relaxed.body).toMatchObject({ boundMs: 900_000, versions: [{ withinBound: true }] });
    } finally {
      delete process.env.HERALD_CHANNEL_LAG_BOUND_SECONDS;
    }
  });
});
