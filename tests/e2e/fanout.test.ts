import { Mailpit } from '../support/mailpit';
import {
  exactlyOnceReport,
  incidentFixture,
  leaveClaims,
  messageFixture,
  receivedPerRecipient,
  seedAudience,
  startFanoutHarness,
} from '../support/fanout';

let h: Awaited<ReturnType<typeof startFanoutHarness>>;
let mailpit: Mailpit;
let taskQueue: string;
beforeAll(async () => {
  h = await startFanoutHarness();
  mailpit = new Mailpit(h.env.mailpitApiUrl);
  // The fan-out's own providers, as the shipped worker builds them: an SMTP relay that cannot be asked.
  taskQueue = await h.startWorker();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('batched fan-out of one approved message', () => {
  const audience = { domain: '', emails: [] as string[] };
  const incident = incidentFixture(['payments']);
  beforeAll(async () => {
    audience.domain = `a-${h.domain}`;
    audience.emails = await seedAudience(h.store, audience.domain, 300, 'payments');
    // Subscribers of other components are not part of this incident's audience.
    await seedAudience(h.store, `other-${h.domain}`, 30, 'dashboard');
  });

  it('[M7.3, X2] reaches every subscriber exactly once, in batches, with a few history events per batch', async () => {
    const handle = await h.client.workflow.start('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}-v1`,
      args: [{ incident, message: messageFixture(1), batchSize: 50, maxInFlight: 4 }],
    });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ recipients: 300, batches: 6, sent: 300, alreadySent: 0, verified: 0, inDoubtResent: 0, failed: 0, byProvider: { smtp: 300 } });

    await mailpit.waitFor(audience.domain, (m) => m.length >= 300);
    const report = exactlyOnceReport(audience.emails, await receivedPerRecipient(mailpit, audience.domain));
    expect(report).toEqual({ missing: [], duplicated: [], unexpected: [] });
    expect(await mailpit.toDomain(`other-${h.domain}`)).toHaveLength(0);

    const events = (await handle.fetchHistory()).events?.length ?? 0;
    // Six batches: bounded by the batch count, nowhere near one event per recipient.
    expect(events).toBeLessThan(6 * 8 + 20);

    const first = (await mailpit.toDomain(audience.domain)).find((m) => m.To[0].Address === audience.emails[0])!;
    const headers = await mailpit.headers(first.ID);
    expect(headers['X-Herald-Incident-Id']).toEqual([incident.id]);
    expect(headers['X-Herald-Message-Version']).toEqual(['1']);
    expect(first.MessageID).toBe(`${incident.id}.v1.${audience.emails[0].replace('@', '_')}@herald.test`);

    const receipts = await h.store.models.DeliveryReceipt.countDocuments({ incidentId: incident.id, version: 1, outcome: 'sent' });
    expect(receipts).toBe(300);
  });

  it('[X2] the same broadcast run again finds every receipt and sends nothing', async () => {
    const outcome = await h.client.workflow.execute('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}-v1-again`,
      args: [{ incident, message: messageFixture(1), batchSize: 50 }],
    });
    expect(outcome).toMatchObject({ recipients: 300, sent: 0, alreadySent: 300 });
    // The broadcast returned: whatever it sent, Mailpit holds.
    const report = exactlyOnceReport(audience.emails, await receivedPerRecipient(mailpit, audience.domain));
    expect(report).toEqual({ missing: [], duplicated: [], unexpected: [] });
  });
});

describe('a claim left by a crashed attempt', () => {
  it('[X2] is in doubt at an SMTP relay, which cannot be asked: resent with the same Message-ID and recorded as in-doubt-resent', async () => {
    const domain = `amb-${h.domain}`;
    const emails = await seedAudience(h.store, domain, 9, 'eu-region');
    const incident = incidentFixture(['eu-region']);
    const message = messageFixture(1);
    // A dead attempt claimed both; the relay accepted the first before the process died.
    const [accepted, lost] = await leaveClaims(h.store, incident, message, [emails[2], emails[5]], new Date());
    await h.mailer.sendMail({ ...accepted.email });

    const outcome = await h.client.workflow.execute('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}`, args: [{ incident, message, batchSize: 4 }],
    });
    expect(outcome).toMatchObject({ recipients: 9, batches: 3, sent: 7, inDoubtResent: 2, verified: 0, alreadySent: 0 });
    // The broadcast returned: the ten messages are all Mailpit will get.
    await mailpit.waitFor(domain, (m) => m.length >= 10);
    // The one duplicate is the in-doubt message the relay had already accepted, with the same Message-ID.
    expect(exactlyOnceReport(emails, await receivedPerRecipient(mailpit, domain))).toEqual({ missing: [], duplicated: [`${accepted.email.to}×2`], unexpected: [] });
    const copies = (await mailpit.toDomain(domain)).filter((m) => m.To[0].Address === accepted.email.to);
    expect(copies.map((m) => `<${m.MessageID}>`)).toEqual([accepted.email.messageId, accepted.email.messageId]);
    for (const d of [accepted, lost]) {
      expect(await h.store.models.DeliveryReceipt.findById(d.key).lean()).toMatchObject({ outcome: 'in-doubt-resent', provider: 'smtp', messageId: d.email.messageId });
    }
  });
});
