import { channelDeliveryId } from '../../domain/delivery/channel-deliveries';
import { workflowIdFor } from '../../domain/incident';
import { messageIdFor } from '../../domain/messages';
import { webhookIdFor } from '../../domain/webhooks';
import { demoWebhookSecret } from '../../store/demo-data';
import { uniqueName } from '../../tests/support/env';
import { keys, startHarness, type Harness } from '../../tests/support/harness';
import { declareIncident, emailBroadcastDone } from '../../tests/support/incidents';
import { seededRandom } from '../../tests/support/random';
import { waitFor } from '../../tests/support/wait';
import { startWorkerChild, type WorkerChild } from '../../tests/support/worker-child';
import { seconds, type FaultMode, type FaultResult } from '../support/result';

/** Recipients are email addresses, two per customer; each customer also has a webhook endpoint and in-app notices. */
/**
 * inAppSample: about how many customers read their in-app notices through the API.
 * standby: the replacement starts before the kill, as a second worker on the queue would be (the
 * quick run, which saves a worker start per kill); otherwise it starts once the kill is done.
 */
const sizes = {
  quick: { recipients: 300, kills: 2, standby: true, inAppSample: 15 },
  full: { recipients: 5000, kills: 5, standby: false, inAppSample: 40 },
};
const emailsPerCustomer = 2;
/** Webhook requests the channel dispatch has in flight (activities/channels-dispatch.ts): the most a kill can leave in doubt. */
const webhookLanes = 8;
/** SMTP connections per worker (activities/providers/smtp.ts): the most accepted messages a kill can leave without a receipt. */
const smtpConnections = 5;
const component = 'webhook-delivery';
const messageIdDomain = 'worker-kills.herald.test';

interface Kill {
  /** Deliveries settled (receipts plus webhooks at the receiver) when the worker was killed. */
  progress: number;
  killedAt: number;
  /** The replacement's process started, and it said it was polling. */
  spawnedAt: number;
  readyAt: number;
  pid?: number;
  /** The first delivery at a receiver after the replacement was ready (Mailpit's Created, the webhook receiver's receivedAt). */
  firstDeliveryAt?: number;
  firstDeliveryChannel?: 'email' | 'webhook';
}

/** `count` addresses under the harness's domain, two per customer, each customer with a webhook at the demo receiver and no channel preference (so in-app too). */
async function seedRecipients(h: Harness, count: number): Promise<{ emails: string[]; customers: string[] }> {
  const emails = Array.from({ length: count }, (_, i) => `r${String(i).padStart(5, '0')}@${h.domain}`);
  const prefix = `wk${h.dbName.slice(-6).replace(/[^a-z0-9]/g, '')}`;
  const docs = [];
  for (let i = 0; i < count; i += emailsPerCustomer) {
    const customerId = `${prefix}-c${String(i / emailsPerCustomer).padStart(5, '0')}`;
    docs.push({
      customerId, name: `Customer ${i / emailsPerCustomer}`, tier: 'standard' as const, locale: 'en',
      emails: emails.slice(i, i + emailsPerCustomer), subscriptions: [component],
      webhooks: [{ url: `${h.demoHooks!.url}/hooks/${customerId}`, secret: demoWebhookSecret(customerId) }],
    });
  }
  for (let i = 0; i < docs.length; i += 1000) await h.store.models.Customer.insertMany(docs.slice(i, i + 1000));
  return { emails, customers: docs.map((d) => d.customerId) };
}

/**
 * Worker kills: one SEV3 outage declared through the API on the demo data, whose first version
 * goes to `recipients` addresses by email (Mailpit), to every customer's webhook (the demo
 * receiver, which verifies signatures) and as an in-app notice. Herald's worker (workers/main.ts,
 * its own process, sticky cache on as shipped) is SIGKILLed `kills` times at random (seeded)
 * moments while it delivers, each time when a random share of the owed deliveries has settled;
 * a replacement starts after each kill. At the receivers: every address has the email (one
 * Message-ID; a second copy only as a recorded in-doubt resend), every customer the webhook
 * (one webhook-id; a repeat only for a request in flight at a kill) and the in-app notice. The
 * gap per kill: from the replacement saying it polls to the first new delivery at a receiver.
 */
export async function workerKillsScenario(mode: FaultMode): Promise<FaultResult> {
  const size = sizes[mode];
  const random = seededRandom();
  const started = Date.now();
  // The full run's progress on stderr: it takes minutes.
  const note = (what: string) => (mode === 'full' ? process.stderr.write(`worker-kills ${seconds(Date.now() - started)} s: ${what}\n`) : undefined);
  const h = await startHarness({ worker: false, data: 'demo' });
  const children: WorkerChild[] = [];
  const spawn = async () => {
    const c = await startWorkerChild({ taskQueue: h.taskQueue, dbName: h.dbName, env: { HERALD_MESSAGE_ID_DOMAIN: messageIdDomain } });
    children.push(c);
    return { child: c, readyAt: Date.now() };
  };
  try {
    const { emails, customers } = await seedRecipients(h, size.recipients);
    const owed = emails.length + customers.length;
    let worker = (await spawn()).child;
    note(`seeded ${emails.length} addresses, ${customers.length} customers; worker polling`);

    const id = await declareIncident(h, {
      title: `Webhook deliveries are delayed (${uniqueName('wk')})`, category: 'outage', severity: 'SEV3', components: [component],
      summary: 'Some webhooks arrive late.',
    });
    const webhooksArrived = () => customers.reduce((n, c) => n + (h.demoHooks!.received(c).some((r) => (r.payload as { data: { incidentId: string } }).data.incidentId === id) ? 1 : 0), 0);
    // Receipts are counted only until every address has one (then the webhooks are under way). The
    // harness's database holds this incident's email receipts only, so the collection's row count
    // (collStats, which FerretDB reads from SQLite's count) is theirs: a count with a filter reads
    // every receipt, 0.2 to 0.7 s at 5,000, and polled as often as this took a core from the
    // deliveries whose gaps it measures.
    let emailsSettled = 0;
    const receipts = h.store.models.DeliveryReceipt.collection.collectionName;
    const progress = async () => {
      if (emailsSettled < emails.length) emailsSettled = Number((await h.store.conn.db!.command({ collStats: receipts })).count ?? 0);
      return emailsSettled + webhooksArrived();
    };

    // One kill in each equal share of the owed deliveries (5 % to 90 %), at a random point of it:
    // kills land while email batches are in flight and while the webhooks go out.
    const thresholds = Array.from({ length: size.kills }, (_, i) => Math.floor(owed * (0.05 + (0.85 * (i + random.next())) / size.kills)));
    const kills: Kill[] = [];
    let standby = size.standby ? spawn() : undefined;
    for (const [i, threshold] of thresholds.entries()) {
      // The replacement before it has delivered something too, so every kill interrupts a worker at work.
      const floor = (await progress()) + 1;
      await waitFor(progress, (n) => n >= Math.max(threshold, floor), `${Math.max(threshold, floor)} of ${owed} deliveries settled`, { timeoutMs: 600_000, intervalMs: 200 });
      const at = await progress();
      const killedAt = Date.now();
      await worker.kill();
      const spawnedAt = Date.now();
      const next = await (standby ?? spawn());
      worker = next.child;
      standby = size.standby && i < thresholds.length - 1 ? spawn() : undefined;
      // A standby was polling before the kill: its gap counts from the kill.
      kills.push({ progress: at, killedAt, spawnedAt, readyAt: Math.max(next.readyAt, killedAt), pid: worker.process.pid });
      note(`killed at ${at} of ${owed}; replacement polling after ${seconds(Date.now() - killedAt)} s`);
    }

    // Done: the broadcast returned (its audit record) and the webhooks' lane recorded what it reached
    // (the channel log's webhook row); a later attempt finds every delivery settled and sends nothing.
    const mailpit = h.mailpit;
    const { ChannelDelivery } = h.store.models;
    await waitFor(
      async () => !!(await emailBroadcastDone(h, id, 1).then(() => ChannelDelivery.findById(channelDeliveryId(id, 1, 'webhook')).lean())),
      (done) => done, 'the email broadcast and the webhooks done', { timeoutMs: 600_000, intervalMs: 500 },
    ).catch(() => undefined);
    note(`delivered; ${await progress()} settled`);

    // Email: each address once; a second copy only under the same Message-ID and recorded as resent in doubt.
    const mail = await mailpit.toDomain(h.domain);
    const byAddress = new Map<string, { ids: Set<string>; copies: number }>();
    for (const m of mail) {
      const a = m.To[0].Address.toLowerCase();
      const got = byAddress.get(a) ?? { ids: new Set(), copies: 0 };
      got.ids.add(m.MessageID);
      got.copies++;
      byAddress.set(a, got);
    }
    const resent = await h.store.models.DeliveryReceipt.find({ incidentId: id, channel: 'email', outcome: 'in-doubt-resent' }).lean();
    const resentTo = new Set(resent.map((r) => r.recipient.toLowerCase()));
    const meta = { incidentId: id, severity: 'SEV3' as const, category: 'outage' as const, version: 1 };
    const emailsLost = emails.filter((e) => !byAddress.has(e)).length;
    let emailsDuplicated = 0;
    let sameIdCopies = 0;
    for (const [a, got] of byAddress) {
      // A second Message-ID (or one not the recipient's) is a second message: never allowed.
      emailsDuplicated += got.ids.size - 1 + (got.ids.has(messageIdFor(meta, a, messageIdDomain).slice(1, -1)) ? 0 : 1);
      const extra = got.copies - got.ids.size;
      sameIdCopies += extra;
      if (extra > 0 && !resentTo.has(a)) emailsDuplicated += extra;
    }

    // Webhooks: each customer's endpoint got the event under its one webhook-id.
    let webhooksLost = 0;
    let webhooksDuplicated = 0;
    let webhookRepeats = 0;
    for (const c of customers) {
      const got = h.demoHooks!.received(c).filter((r) => (r.payload as { data: { incidentId: string } }).data.incidentId === id);
      if (!got.length) webhooksLost++;
      webhooksDuplicated += Math.max(0, got.length - 1);
      if (got.length && got[0].webhookId !== webhookIdFor(id, 1, `${h.demoHooks!.url}/hooks/${c}`)) webhooksDuplicated++;
      webhookRepeats += got.reduce((n, r) => n + r.requests - 1, 0);
    }
    // A repeated request under the same webhook-id is a resend in doubt: one per request in flight at a kill at most.
    webhooksDuplicated += Math.max(0, webhookRepeats - size.kills * webhookLanes);

    // In-app: the channel log counts every customer of the audience (the worker's part: the notice
    // is served from the status entry, the version readable once the page was), and customers read
    // their notices (GET /v1/customers/:id/notices): a seeded sample, one request at a time (each
    // reads every status entry; thousands at once would measure the store, not the kills).
    const inAppRow = await ChannelDelivery.findById(channelDeliveryId(id, 1, 'in-app')).lean();
    const audience = await h.request('GET', `/v1/audience?incident=${id}`, { key: keys.responder });
    const inAppAudience = audience.status === 200 ? (audience.body.customers as { customerId: string; channels: string[] }[]).filter((m) => m.channels.includes('in-app')) : [];
    const inAppReach = new Set(inAppAudience.map((m) => m.customerId));
    let inAppLost = customers.filter((c) => !inAppReach.has(c)).length + Math.max(0, inAppAudience.length - (inAppRow?.count ?? 0));
    const sample = customers.filter(() => random.next() < size.inAppSample / customers.length);
    let clientErrors = audience.status >= 500 ? 1 : 0;
    for (const c of sample) {
      const res = await h.request('GET', `/v1/customers/${c}/notices`, { key: keys.viewer });
      if (res.status >= 500) clientErrors++;
      const notices = res.status === 200 ? (res.body.notices as { incidentId: string; version: number }[]) : [];
      if (!notices.some((n) => n.incidentId === id && n.version === 1)) inAppLost++;
    }
    note(`read ${sample.length} customers' in-app notices`);

    // The gap per kill: from the replacement polling to its first delivery at a receiver.
    const arrivals: { at: number; channel: 'email' | 'webhook' }[] = [
      ...mail.map((m) => ({ at: Date.parse(m.Created), channel: 'email' as const })),
      ...customers.flatMap((c) => h.demoHooks!.received(c).filter((r) => (r.payload as { data: { incidentId: string } }).data.incidentId === id).map((r) => ({ at: Date.parse(r.receivedAt), channel: 'webhook' as const }))),
    ].sort((a, b) => a.at - b.at);
    for (const k of kills) {
      const first = arrivals.find((a) => a.at >= k.readyAt);
      if (first) Object.assign(k, { firstDeliveryAt: first.at, firstDeliveryChannel: first.channel });
    }
    const gapsSeconds = kills.map((k) => (k.firstDeliveryAt === undefined ? NaN : seconds(k.firstDeliveryAt - k.readyAt)));

    // What ended each killed attempt, from the histories (the incident's and its email broadcast's):
    // a timeout (the heartbeat's), or the replacement's release of a dead worker's attempts (WorkerGone).
    const retriedAfter: Record<string, number> = {};
    for (const workflowId of [workflowIdFor(id), `broadcast-${id}-v1-email`]) {
      const events = await h.client.workflow.getHandle(workflowId).fetchHistory().then((x) => x.events ?? [], () => []);
      for (const e of events) {
        const started = e.activityTaskStartedEventAttributes;
        if (!started || (started.attempt ?? 1) < 2) continue;
        const why = started.lastFailure?.applicationFailureInfo?.type ?? (started.lastFailure?.timeoutFailureInfo ? 'timeout' : 'other');
        retriedAfter[why] = (retriedAfter[why] ?? 0) + 1;
      }
    }

    return {
      scenario: 'worker-kills', faultsInjected: kills.length, inFlight: owed + customers.length,
      lost: emailsLost + webhooksLost + inAppLost, duplicated: emailsDuplicated + webhooksDuplicated, clientErrors,
      recoverySeconds: Math.max(...gapsSeconds),
      gapsSeconds,
      details: {
        seed: random.seed, recipients: emails.length, customers: customers.length, owed,
        kills: kills.map((k) => ({
          atProgress: k.progress, killedAt: new Date(k.killedAt).toISOString(), readyAt: new Date(k.readyAt).toISOString(), replacementStartSeconds: seconds(k.readyAt - k.killedAt), gapSeconds: k.firstDeliveryAt === undefined ? null : seconds(k.firstDeliveryAt - k.readyAt),
          fromKillSeconds: k.firstDeliveryAt === undefined ? null : seconds(k.firstDeliveryAt - k.killedAt), firstChannel: k.firstDeliveryChannel ?? null,
        })),
        emails: { lost: emailsLost, duplicated: emailsDuplicated, sameMessageIdCopies: sameIdCopies, inDoubtResent: resent.length, allowedByKills: size.kills * smtpConnections },
        webhooks: { lost: webhooksLost, duplicated: webhooksDuplicated, repeatsUnderSameWebhookId: webhookRepeats },
        inApp: { lost: inAppLost, audience: inAppAudience.length, channelLog: inAppRow?.count ?? 0, readThroughApi: sample.length },
        retriedAfter,
        wallSeconds: seconds(Date.now() - started),
      },
    };
  } finally {
    // Killed, not stopped: a graceful stop would wait for whatever the workflow does after the deliveries (the archive's checkpoint).
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) await c.kill();
    await h.close();
  }
}
