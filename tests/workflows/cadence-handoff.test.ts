import { acknowledgeHandoffUpdate, handOffUpdate, incidentStateQuery } from '../../workflows/messages';
import { auditTrail, expectAt, expectShortlyAfter, refusal, sleepUntil } from '../support/clock';
import type { MailpitMessage } from '../support/mailpit';
import { isPublished, missed, minute, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

// Hours and days of incident time pass here; on a loaded 2-core machine that takes minutes.
jest.setTimeout(300_000);

const t = timeSkippingSuite();

const lead = 'comms-lead@herald.internal';
const leadBackup = 'comms-lead-backup@herald.internal';
const incoming = 'alex.night-shift@herald.internal';


describe('handoffs of communication ownership', () => {
  it('[M4.4] a handoff with notes, acknowledged by the recipient, makes them lead and moves the open deadlines to them; the fatigue reminder follows 8 h later', async () => {
    await t.withWorker(async (taskQueue) => {
      // eu-region has no subscribers: the hourly cadence over eight hours sends no customer email.
      const { input, handle } = await t.declare(taskQueue, 'SEV3', isPublished, { components: ['eu-region'] });
      const notes = 'Status page is current; v1 went out. Next update due on the hour; legal asked to see anything about data.';
      const asked = await t.env.currentTimeMs();
      const { acknowledgeBy } = await handle.executeUpdate(handOffUpdate, { args: [{ to: incoming, notes, by: lead }] });
      expectAt(acknowledgeBy, asked + 15 * minute);
      const pending = await handle.query(incidentStateQuery);
      expect(pending.handoff).toMatchObject({ from: lead, to: incoming, notes, acknowledgeBy });
      expect(pending.roles['communication-lead']).toEqual([lead]);

      const impostor = await refusal(handle.executeUpdate(acknowledgeHandoffUpdate, { args: [{ by: 'someone.else@herald.internal' }] }));
      expect(impostor).toMatchObject({ type: 'Forbidden', message: `only ${incoming} can acknowledge this handoff` });
      expect((await handle.query(incidentStateQuery)).handoff?.to).toBe(incoming);

      await t.env.sleep('5 minutes');
      const ackAt = await t.env.currentTimeMs();
      const ack = await handle.executeUpdate(acknowledgeHandoffUpdate, { args: [{ by: incoming }] });
      expect(ack.lead).toBe(incoming);
      // The cadence reminder, the overdue escalation and the fatigue reminder at least.
      expect(ack.movedDeadlines).toBeGreaterThanOrEqual(3);

      const after = await handle.query(incidentStateQuery);
      expect(after.roles['communication-lead']).toEqual([incoming]);
      expect(after.handoff).toBeUndefined();
      expect(after.handoffs).toEqual([{ from: lead, to: incoming, notes, at: expect.any(String), acknowledgedAt: expect.any(String) }]);
      expectAt(after.handoffs[0].at, asked);
      expectAt(after.handoffs[0].acknowledgedAt, ackAt);
      const open = after.deadlines.filter((d) => d.state === 'open');
      for (const kind of ['cadence-reminder', 'cadence-overdue', 'fatigue']) {
        const owned = open.filter((d) => d.kind === kind);
        expect(owned.length).toBeGreaterThanOrEqual(1);
        for (const d of owned) expect(d.owner).toBe(incoming);
      }
      expect(after.deadlines.filter((d) => d.kind === 'handoff-ack').map((d) => d.state)).toEqual(['met']);
      const fatigue = open.find((d) => d.kind === 'fatigue')!;
      expectAt(fatigue.dueAt, ackAt + 8 * 60 * minute);

      // The new lead owns the incident from the acknowledgement: the fatigue reminder comes 8 h later.
      await sleepUntil(t.env, ackAt + 8 * 60 * minute - 2 * minute);
      expect((await handle.query(incidentStateQuery)).deadlines.find((d) => d.id === fatigue.id)?.firedAt).toBeUndefined();
      await sleepUntil(t.env, ackAt + 8 * 60 * minute + minute);
      const tired = await waitFor(() => handle.query(incidentStateQuery), (s) => !!s.deadlines.find((d) => d.id === fatigue.id)?.firedAt);
      const fired = tired.deadlines.find((d) => d.id === fatigue.id)!;
      expect(fired.owner).toBe(incoming);
      expectAt(fired.firedAt, ackAt + 8 * 60 * minute);

      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.some((r) => r.step === 'reminder' && r.details.kind === 'fatigue'));
      expect(audit.find((r) => r.step === 'handoff-requested')).toMatchObject({ actor: lead, details: { from: lead, to: incoming, notes } });
      expect(audit.find((r) => r.step === 'handoff-acknowledged')).toMatchObject({ actor: incoming, details: { from: lead, to: incoming, movedDeadlines: ack.movedDeadlines } });
      const reminder = audit.find((r) => r.step === 'reminder' && r.details.kind === 'fatigue')!;
      expect(reminder.details.owner).toBe(incoming);
      expectShortlyAfter(reminder.at, Date.parse(fired.firedAt!));

      const mail = await waitFor(() => t.mailpit.search(`to:"${incoming}" subject:"${input.title}"`), (m) => m.some((x) => x.Subject.includes('time to hand off?')));
      expect(mail.filter((x) => x.Subject.includes('time to hand off?'))).toHaveLength(1);
      const handoffMail = await waitFor(() => t.mailpit.search(`to:"${incoming}" subject:"Handoff" subject:"${input.id}"`), (m) => m.length > 0);
      expect(await t.mailpit.text(handoffMail[0].ID)).toContain(notes);
    });
  });

  it('[M4.4] a handoff not acknowledged within the 15-minute window escalates at exactly +15 min and the previous lead keeps ownership', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle } = await t.declare(taskQueue, 'SEV4', isPublished);
      const asked = await t.env.currentTimeMs();
      await handle.executeUpdate(handOffUpdate, { args: [{ to: incoming, notes: 'Going off shift.', by: lead }] });
      const twice = await refusal(handle.executeUpdate(handOffUpdate, { args: [{ to: 'third@herald.internal', notes: 'me too', by: lead }] }));
      expect(twice.type).toBe('HandoffPending');

      await sleepUntil(t.env, asked + 14 * minute);
      expect(missed(await handle.query(incidentStateQuery), 'handoff-ack')).toEqual([]);
      await sleepUntil(t.env, asked + 16 * minute);
      const state = await waitFor(() => handle.query(incidentStateQuery), (s) => missed(s, 'handoff-ack').length === 1);
      const [late] = missed(state, 'handoff-ack');
      expect(late).toMatchObject({ owner: incoming, backup: leadBackup });
      expectAt(late.dueAt, asked + 15 * minute);
      expectAt(late.firedAt, asked + 15 * minute);
      expect(state.handoff).toBeUndefined();
      expect(state.handoffs).toEqual([]);
      expect(state.roles['communication-lead']).toEqual([lead]);
      const escalation = state.escalations.find((e) => e.reason === `handoff to ${incoming} not acknowledged`)!;
      expect(escalation.notified.sort()).toEqual([lead, leadBackup].sort());
      expectAt(escalation.at, asked + 15 * minute);

      // Too late: the handoff is gone, so there is nothing to acknowledge.
      expect((await refusal(handle.executeUpdate(acknowledgeHandoffUpdate, { args: [{ by: incoming }] }))).type).toBe('NoHandoff');
      const mail = await waitFor(() => t.mailpit.search(`to:"${leadBackup}" subject:"${input.title}"`), (m) => m.some((x) => x.Subject.endsWith('handoff not acknowledged')));
      expect(mail.filter((x) => x.Subject.endsWith('handoff not acknowledged'))).toHaveLength(1);
    });
  });
});

describe('update cadence', () => {
  it('[M4.4] after a SEV3 auto-publish the next update is due in 60 min, stated in the email; the lead is reminded at +50 and escalated at +60', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle, state } = await t.declare(taskQueue, 'SEV3', isPublished);
      const [first] = state.published;
      const publishedAt = Date.parse(first.publishedAt);
      const due = publishedAt + 60 * minute;
      expectAt(first.nextUpdateAt, due);
      expect(state.nextUpdateDueAt).toBe(first.nextUpdateAt);
      const reminderDl = state.deadlines.find((d) => d.kind === 'cadence-reminder' && d.state === 'open')!;
      expect(reminderDl.owner).toBe(lead);
      expectAt(reminderDl.dueAt, due - 10 * minute);

      const ours = (m: MailpitMessage[]) => m.filter((x) => x.Subject.includes(input.title));
      const emails = ours(await t.mailpit.waitFor(t.domain, (m) => ours(m).length >= 3));
      expect(emails).toHaveLength(3);
      for (const email of emails) {
        // Stated once, in the template's words, at the time the cadence keeps.
        const text = (await t.mailpit.text(email.ID)).toLowerCase();
        expect(text.split(`next update by ${first.nextUpdateAt!.replace('T', ' ').slice(0, 16)} utc.`)).toHaveLength(2);
        expect(text.match(/next update/g)).toHaveLength(1);
      }

      await sleepUntil(t.env, due - 11 * minute);
      expect((await handle.query(incidentStateQuery)).deadlines.find((d) => d.id === reminderDl.id)?.firedAt).toBeUndefined();
      await sleepUntil(t.env, due - 9 * minute);
      const reminded = await waitFor(() => handle.query(incidentStateQuery), (s) => !!s.deadlines.find((d) => d.id === reminderDl.id)?.firedAt);
      expectAt(reminded.deadlines.find((d) => d.id === reminderDl.id)!.firedAt, due - 10 * minute);
      expect(missed(reminded, 'cadence-overdue')).toEqual([]);

      await sleepUntil(t.env, due + minute);
      const overdue = await waitFor(() => handle.query(incidentStateQuery), (s) => missed(s, 'cadence-overdue').length === 1);
      const [late] = missed(overdue, 'cadence-overdue');
      expect(late).toMatchObject({ owner: lead, backup: leadBackup });
      expectAt(late.dueAt, due);
      expectAt(late.firedAt, due);
      // Nothing went out, so the lead is asked again one interval later.
      expectAt(overdue.nextUpdateDueAt, due + 60 * minute);

      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.some((r) => r.step === 'escalated' && r.details.reason === 'update overdue'));
      const reminder = audit.find((r) => r.step === 'reminder' && r.details.kind === 'cadence')!;
      expectShortlyAfter(reminder.at, due - 10 * minute);
      expect(reminder.details).toMatchObject({ owner: lead, dueAt: first.nextUpdateAt });
      const escalated = audit.find((r) => r.step === 'escalated' && r.details.reason === 'update overdue')!;
      expectShortlyAfter(escalated.at, due);
      expect(escalated.details).toMatchObject({ owner: lead, backup: leadBackup, dueAt: first.nextUpdateAt });

      const leadMail = await waitFor(() => t.mailpit.search(`to:"${lead}" subject:"${input.title}"`), (m) => m.some((x) => x.Subject.endsWith('customer update overdue')));
      expect(leadMail.filter((x) => x.Subject.includes(`next update due at ${first.nextUpdateAt}`))).toHaveLength(1);
      const backupMail = await waitFor(() => t.mailpit.search(`to:"${leadBackup}" subject:"${input.title}"`), (m) => m.length > 0);
      expect(backupMail.map((x) => x.Subject)).toEqual([expect.stringMatching(/customer update overdue$/)]);
    });
  });
});
