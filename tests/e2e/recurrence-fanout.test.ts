import type { EmailBatchRequest } from '../../activities/fanout';
import type { RecurringBroadcast } from '../../domain/incident/recurrence';
import type { IncidentInput, Phase } from '../../domain/incident';
import type { MessageVersion } from '../../domain/messages';
import { uniqueName } from '../support/env';
import { fanoutForFile } from '../support/fanout';

/**
 * A recurring incident's email fan-out on the real store and Mailpit (M7.5): the daily cap across
 * incidents holds back minor updates and never a change of phase; digest mode folds minor updates;
 * every adaptation is recorded per recipient. The batch activity is called as the worker calls it.
 */

const f = fanoutForFile();
const { run } = f;

const incidentOn = (component: string, title: string): IncidentInput => ({
  id: uniqueName('INC'), title, category: 'performance-degradation', severity: 'SEV3', components: [component],
  summary: 'Exports are slow.', declaredBy: 'test', detectedAt: new Date().toISOString(),
});

const version = (v: number, phase: Phase): MessageVersion => ({
  version: v, hash: `hash-${v}`, phase, subject: `Exports slow, update ${v}`, text: `Update ${v}: exports are slow.\n\nMore detail ${v}.`, html: `<p>Update ${v}: exports are slow.</p>`,
  templateId: 'performance-investigating', createdAt: new Date().toISOString(), author: 'test', locale: 'en',
});

async function publish(incident: IncidentInput, message: MessageVersion, extra: Pick<EmailBatchRequest, 'rateLimit' | 'recurrence'> = {}) {
  await run(f.fanout.planBroadcast, { incident, message, batchSize: 10 });
  return run(f.fanout.sendEmailBatch, { incident, message, batchIndex: 0, batchSize: 10, ...extra });
}

const adaptations = (incidentId: string) =>
  f.h.store.models.RecurrenceAdaptation.find({ incidentId }).sort({ version: 1, recipient: 1 }).lean().then((ds) => ds.map((d) => [d.version, d.recipient, d.kind]));

describe('a recurring incident adapts its email per recipient', () => {
  it('[M7.5] the daily cap across incidents holds back a minor update from those who had their share today, never a change of phase, and records who', async () => {
    const domain = `cap-${f.h.domain}`;
    const component = uniqueName('comp');
    await f.h.store.models.Customer.insertMany([
      { customerId: `${domain}-a`, name: 'A', tier: 'business', locale: 'en', emails: [`told@${domain}`], subscriptions: [component] },
      { customerId: `${domain}-b`, name: 'B', tier: 'business', locale: 'en', emails: [`new@${domain}`], subscriptions: [] },
    ]);
    const prior = incidentOn(component, 'Exports are slow');
    expect(await publish(prior, version(1, 'investigating'))).toMatchObject({ sent: 1 });
    // The second customer subscribes after the first incident: it was never told before.
    await f.h.store.models.Customer.updateOne({ customerId: `${domain}-b` }, { $set: { subscriptions: [component] } });

    const incident = incidentOn(component, 'Exports are slow again');
    const recurrence: RecurringBroadcast = {
      shortMessage: true, digestMinutes: 0, dailyCap: 2, linkTo: prior.id,
      priorIncidents: [{ id: prior.id, title: prior.title, detectedAt: prior.detectedAt, matchedBy: 'components' }],
    };
    // v1 is the first message: never capped; the customer told before gets the short message.
    expect(await publish(incident, version(1, 'investigating'), { recurrence })).toMatchObject({ sent: 2, shortened: 1 });
    // v2 keeps the phase: `told` has had two emails today (the cap), `new` one (and was never told of the earlier incident).
    const minor = await publish(incident, version(2, 'investigating'), { recurrence, rateLimit: { minutes: 0, statusChange: false } });
    expect(minor).toMatchObject({ sent: 1, capped: 1 });
    expect(minor.shortened).toBeUndefined();
    // A retried batch decides the same (the one it sent stays sent, however its count grew) and records nothing twice.
    expect(await publish(incident, version(2, 'investigating'), { recurrence, rateLimit: { minutes: 0, statusChange: false } })).toMatchObject({ sent: 0, alreadySent: 1, capped: 1 });
    expect(await adaptations(incident.id)).toHaveLength(2);
    // v3 changes the phase: everyone hears it, whatever the cap.
    expect(await publish(incident, version(3, 'identified'), { recurrence, rateLimit: { minutes: 0, statusChange: true } })).toMatchObject({ sent: 2 });
    expect(await adaptations(incident.id)).toEqual([
      [1, `told@${domain}`, 'short-message'],
      [2, `told@${domain}`, 'daily-cap'],
      [3, `told@${domain}`, 'short-message'],
    ]);

    const msgs = await f.h.mailpit.waitFor(domain, (m) => m.length >= 6);
    const subjects = (address: string) => msgs.filter((m) => m.To.some((t) => t.Address === address)).map((m) => m.Subject).sort();
    expect(subjects(`told@${domain}`)).toEqual(['Exports slow, update 1', 'Exports slow, update 1', 'Exports slow, update 3']);
    expect(subjects(`new@${domain}`)).toEqual(['Exports slow, update 1', 'Exports slow, update 2', 'Exports slow, update 3']);
    const short = msgs.find((m) => m.To.some((t) => t.Address === `told@${domain}`) && m.MessageID.startsWith(`${incident.id}.v1.`))!;
    const text = await f.h.mailpit.text(short.ID);
    expect(text).toContain('Update 1: exports are slow.');
    expect(text).not.toContain('More detail 1.');
    expect(text).toContain('This is the same problem as "Exports are slow"');

  });

  it('[M7.5] digest mode folds a recurring incident\'s minor updates, and says so per recipient', async () => {
    const domain = `dig-${f.h.domain}`;
    const component = uniqueName('comp');
    await f.h.store.models.Customer.insertMany([{ customerId: `${domain}-a`, name: 'A', tier: 'business', locale: 'en', emails: [`a@${domain}`], subscriptions: [component] }]);
    const incident = incidentOn(component, 'Exports are slow');
    const recurrence: RecurringBroadcast = {
      shortMessage: false, digestMinutes: 30, dailyCap: 0, linkTo: 'INC-EARLIER',
      priorIncidents: [{ id: 'INC-EARLIER', title: 'Exports are slow', detectedAt: new Date(Date.now() - 86_400_000).toISOString(), matchedBy: 'components' }],
    };
    expect(await publish(incident, version(1, 'investigating'), { recurrence })).toMatchObject({ sent: 1 });
    const minor = await publish(incident, version(2, 'investigating'), { recurrence, rateLimit: { minutes: 30, statusChange: false } });
    expect(minor).toMatchObject({ sent: 0, deferred: 1, digestDueAt: expect.any(String) });
    expect(await adaptations(incident.id)).toEqual([[2, `a@${domain}`, 'digest']]);
  });
});
