import { linkSecret } from '../../config/tracking';
import type { IncidentInput, Phase } from '../../domain/incident';
import type { MessageVersion } from '../../domain/messages';
import { readTrackingToken } from '../../domain/tracking';
import { testEnv, uniqueName } from '../support/env';
import { fanoutForFile } from '../support/fanout';
import { keys, type Harness } from '../support/harness';
import type { MailpitMessage } from '../support/mailpit';

/**
 * Email fan-out per recipient, on the real stack (FerretDB, Mailpit, the API for the redirect):
 * each reader's locale (M2.5), a tracked status-page link per segment and version (M2.6), and the
 * per-recipient rate limit with digests (M3.4). The activities are called directly.
 */

const f = fanoutForFile();
const { run } = f;
let h: Harness;
let fanout: typeof f.fanout;
beforeAll(() => {
  ({ h, fanout } = f);
});

const window = 30;

async function seed(domain: string, component: string) {
  await h.store.models.Customer.insertMany([
    { customerId: `${domain}-de`, name: 'Kunde', tier: 'enterprise', locale: 'de', emails: [`anna@${domain}`], subscriptions: [component] },
    { customerId: `${domain}-en`, name: 'Customer', tier: 'business', locale: 'en', emails: [`bob@${domain}`], subscriptions: [component] },
    { customerId: `${domain}-fr`, name: 'Client', tier: 'standard', locale: 'fr', emails: [`chloe@${domain}`, `claude@${domain}`], subscriptions: [component] },
  ]);
}

function incidentOn(component: string): IncidentInput {
  return {
    id: uniqueName('INC'), title: 'Checkout API errors', category: 'outage', severity: 'SEV2', components: [component],
    summary: 'Some requests fail.', declaredBy: 'test', detectedAt: new Date().toISOString(),
  };
}

function version(v: number, phase: Phase): MessageVersion {
  return {
    version: v, hash: `hash-${v}`, phase, subject: `[SEV2] Checkout update ${v}`,
    text: `Update ${v}: some payments fail.`, html: `<p>Update ${v}: some payments fail.</p>`,
    templateId: 'outage-investigating-major', createdAt: new Date().toISOString(), author: 'test', locale: 'en',
    translations: { de: { subject: `[SEV2] Checkout-Meldung ${v}`, text: `Meldung ${v}: einige Zahlungen schlagen fehl.`, html: `<p>Meldung ${v}: einige Zahlungen schlagen fehl.</p>` } },
  };
}

async function publish(incident: IncidentInput, message: MessageVersion, statusChange: boolean) {
  const plan = await run(fanout.planBroadcast, { incident, message, batchSize: 3 });
  const totals = { sent: 0, deferred: 0, alreadySent: 0, digestDueAt: undefined as string | undefined };
  for (let batchIndex = 0; batchIndex < plan.batches; batchIndex++) {
    const r = await run(fanout.sendEmailBatch, { incident, message, batchIndex, batchSize: 3, rateLimit: { minutes: window, statusChange } });
    totals.sent += r.sent;
    totals.deferred += r.deferred;
    totals.alreadySent += r.alreadySent;
    if (r.digestDueAt && (!totals.digestDueAt || r.digestDueAt > totals.digestDueAt)) totals.digestDueAt = r.digestDueAt;
  }
  return totals;
}

async function body(m: MailpitMessage): Promise<{ Text: string; HTML: string }> {
  const res = await fetch(`${testEnv().mailpitApiUrl}/api/v1/message/${m.ID}`);
  return (await res.json()) as { Text: string; HTML: string };
}

const to = (msgs: MailpitMessage[], address: string) => msgs.filter((m) => m.To.some((t) => t.Address === address));

describe('email per recipient', () => {
  it('[M2.5, M2.6] each reader gets the version in their locale, with a tracked link naming the channel, their tier and the version', async () => {
    const domain = `loc-${h.domain}`;
    const component = uniqueName('comp');
    await seed(domain, component);
    const incident = incidentOn(component);
    expect(await publish(incident, version(1, 'investigating'), true)).toMatchObject({ sent: 4, deferred: 0 });
    const msgs = await h.mailpit.waitFor(domain, (m) => m.length >= 4);

    const [anna] = to(msgs, `anna@${domain}`);
    expect(anna.Subject).toBe('[SEV2] Checkout-Meldung 1');
    expect((await h.mailpit.headers(anna.ID))['Content-Language']).toEqual(['de']);
    expect((await body(anna)).Text).toContain('Meldung 1: einige Zahlungen schlagen fehl.');
    for (const address of [`bob@${domain}`, `chloe@${domain}`]) {
      const [m] = to(msgs, address);
      expect(m.Subject).toBe('[SEV2] Checkout update 1');
      expect((await h.mailpit.headers(m.ID))['Content-Language']).toEqual(['en']);
      expect((await body(m)).Text).toContain('Update 1: some payments fail.');
    }

    const segments: Record<string, string> = { anna: 'enterprise', bob: 'business', chloe: 'standard' };
    for (const [name, segment] of Object.entries(segments)) {
      const { Text, HTML } = await body(to(msgs, `${name}@${domain}`)[0]);
      const token = /http:\/\/status\.herald\.test\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(Text)?.[1];
      expect(token).toBeDefined();
      expect(HTML).toContain(`http://status.herald.test/r/${token}`);
      expect(readTrackingToken(token!, linkSecret())).toEqual({ incidentId: incident.id, channel: 'email', segment, version: 1 });
    }

    // The link is added after the gate: its token is never taken for a secret and redacted.
    expect(await h.store.models.NearMiss.countDocuments({ incidentId: incident.id })).toBe(0);

    const token = /\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec((await body(anna)).Text)![1];
    const res = await fetch(`${h.baseUrl}/r/${token}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toEqual({ utm_source: 'email', utm_medium: 'enterprise', utm_campaign: incident.id, utm_content: 'v1' });
    const clicks = await h.request('GET', `/v1/incidents/${incident.id}/clicks`, { key: keys.manager });
    expect(clicks.body.rows).toEqual([{ version: 1, channel: 'email', segment: 'enterprise', count: 1 }]);
  });
});

describe('at most one email per recipient per window', () => {
  it('[M3.4] holds a same-phase update for a digest, sends a status change at once, and sends each digest exactly once', async () => {
    const domain = `rl-${h.domain}`;
    const component = uniqueName('comp');
    await seed(domain, component);
    const incident = incidentOn(component);
    const addresses = ['anna', 'bob', 'chloe', 'claude'].map((n) => `${n}@${domain}`);
    const count = async () => (await h.mailpit.toDomain(domain)).length;

    expect(await publish(incident, version(1, 'investigating'), true)).toMatchObject({ sent: 4, deferred: 0 });
    await h.mailpit.waitFor(domain, (m) => m.length >= 4);

    // Same phase inside the window: nobody is emailed, everyone's update waits for a digest.
    const v2 = await publish(incident, version(2, 'investigating'), false);
    expect(v2).toMatchObject({ sent: 0, deferred: 4 });
    const firstReceipt = await h.store.models.DeliveryReceipt.findById(`${incident.id}|v1|email|anna@${domain}`).lean();
    expect(Date.parse(v2.digestDueAt!)).toBeGreaterThanOrEqual(firstReceipt!.at.getTime() + window * 60_000);
    // The batch again (a retry) finds the held updates it wrote and still sends nothing.
    expect(await publish(incident, version(2, 'investigating'), false)).toMatchObject({ sent: 0, deferred: 4 });
    // The batches returned, and they send before they return: whatever they sent, Mailpit holds.
    expect(await count()).toBe(4);

    // Before the window ends a digest run sends nothing and says when to come back.
    const early = await run(fanout.sendDigests, { incident, at: new Date().toISOString(), rateLimitMinutes: window });
    expect(early).toMatchObject({ sent: 0, alreadySent: 0, remaining: 4 });
    // The earliest window end among the held recipients; the batches reported the latest.
    expect(Date.parse(early.nextDueAt!)).toBeLessThanOrEqual(Date.parse(v2.digestDueAt!));
    expect(Date.parse(early.nextDueAt!)).toBeGreaterThan(Date.now() + (window - 1) * 60_000);

    // A status change goes at once and carries the held update, so no later digest repeats it.
    expect(await publish(incident, version(3, 'identified'), true)).toMatchObject({ sent: 4, deferred: 0 });
    const afterV3 = await h.mailpit.waitFor(domain, (m) => m.length >= 8);
    const annaV3 = to(afterV3, addresses[0]).find((m) => m.Subject.endsWith('3'))!;
    expect((await body(annaV3)).Text).toMatch(/Earlier updates since our last email[^\n]*\n- [^\n]*\[SEV2\] Checkout-Meldung 2/);
    expect(await h.store.models.DigestEntry.countDocuments({ incidentId: incident.id, status: 'pending' })).toBe(0);

    // Two more same-phase updates inside the new window fold into one digest each.
    expect(await publish(incident, version(4, 'identified'), false)).toMatchObject({ sent: 0, deferred: 4 });
    const v5 = await publish(incident, version(5, 'identified'), false);
    expect(v5).toMatchObject({ sent: 0, deferred: 4 });
    expect(await count()).toBe(8);

    const digests = await run(fanout.sendDigests, { incident, at: v5.digestDueAt!, rateLimitMinutes: window });
    expect(digests).toEqual({ sent: 4, alreadySent: 0, remaining: 0, inDoubtResent: 0 });
    const all = await h.mailpit.waitFor(domain, (m) => m.length >= 12);
    for (const address of addresses) {
      const got = to(all, address);
      expect(got).toHaveLength(3);
      expect(got.filter((m) => m.Subject.includes('Digest: 2 updates on Checkout API errors'))).toHaveLength(1);
    }
    const annaDigest = to(all, addresses[0]).find((m) => m.Subject.includes('Digest'))!;
    const { Text } = await body(annaDigest);
    expect(Text.indexOf('Meldung 5: einige Zahlungen schlagen fehl.')).toBe(0);
    expect(Text).toMatch(/- [^\n]*: \[SEV2\] Checkout-Meldung 4\s*\n- [^\n]*: \[SEV2\] Checkout-Meldung 5/);
    const token = /\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(Text)![1];
    expect(readTrackingToken(token, linkSecret())).toEqual({ incidentId: incident.id, channel: 'email', segment: 'enterprise', version: 5 });
    expect((await h.mailpit.headers(annaDigest.ID))['Content-Language']).toEqual(['de']);

    // Run again: nothing is pending. Even with the entries put back (a crash before they were
    // marked done), the digests' receipts are found by key and nothing is sent twice.
    expect(await run(fanout.sendDigests, { incident, at: v5.digestDueAt!, rateLimitMinutes: window })).toEqual({ sent: 0, alreadySent: 0, remaining: 0, inDoubtResent: 0 });
    await h.store.models.DigestEntry.updateMany({ incidentId: incident.id, version: { $in: [4, 5] } }, { $set: { status: 'pending' } });
    expect(await run(fanout.sendDigests, { incident, at: v5.digestDueAt!, rateLimitMinutes: window })).toEqual({ sent: 0, alreadySent: 4, remaining: 0, inDoubtResent: 0 });
    expect(await count()).toBe(12);
    expect(await h.store.models.DigestEntry.countDocuments({ incidentId: incident.id, status: 'pending' })).toBe(0);

    // A digest is an email too: it opens a new window, so the next same-phase update is held again.
    const v6 = await publish(incident, version(6, 'identified'), false);
    expect(v6).toMatchObject({ sent: 0, deferred: 4 });
    const digestReceipt = await h.store.models.DeliveryReceipt.findById(`${incident.id}|v4|email-digest|anna@${domain}`).lean();
    expect(digestReceipt).toMatchObject({ outcome: 'sent', folded: [4, 5] });
    expect(Date.parse(v6.digestDueAt!)).toBeGreaterThanOrEqual(digestReceipt!.at.getTime() + window * 60_000);
    // [M5.1] The digest is archived as sent, once, under its delivery's key, bound to the gate's verdict.
    const archived = await h.store.models.ArchiveRecord.find({ _id: `email:${incident.id}|v4|email-digest|anna@${domain}` }).lean();
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatchObject({ kind: 'email', channel: 'email-digest', version: 5, detail: { recipients: [`anna@${domain}`], gate: { allowed: true }, approvals: [] } });
  });
});
