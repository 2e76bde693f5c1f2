import {
  changeClassificationUpdate,
  editDraftUpdate,
  incidentStateQuery,
  internalUpdateUpdate,
  publishUpdate,
  requestBriefingUpdate,
} from '../../workflows/messages';
import { auditTrail, expectAt, expectShortlyAfter, sleepUntil } from '../support/clock';
import type { MailpitMessage } from '../support/mailpit';
import { isPublished, minute, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

// Hours and days of incident time pass here; on a loaded 2-core machine that takes minutes.
jest.setTimeout(300_000);

const t = timeSkippingSuite();

const lead = 'comms-lead@herald.internal';
const exec = 'exec-oncall@herald.internal';
const supportList = 'support-leads@herald.internal';
const accountList = 'account-managers@herald.internal';
const escalationPath = 'Customer questions you cannot answer from the talking points go to the incident channel; contractual or legal questions go to legal-oncall@herald.internal.';


/** Internal mail to one address about one incident (its unique title is in every subject). */
function mailTo(address: string, title: string, ok: (m: MailpitMessage[]) => boolean = (m) => m.length > 0) {
  return waitFor(() => t.mailpit.search(`to:"${address}" subject:"${title}"`), ok);
}

describe('escalation rules', () => {
  it('[M1.2, M1.4] raising a SEV2 to SEV1 notifies the executives and makes them approvers; the two-hour rule fires at exactly detection + 120 min', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle, state, detected } = await t.declare(taskQueue, 'SEV2', (s) => s.status === 'awaiting-approval');
      expect(state.requiredApprovers).toEqual(['pr']);
      expect(state.escalations).toEqual([]);
      const check = state.deadlines.find((d) => d.kind === 'escalation-check' && d.state === 'open')!;
      expectAt(check.dueAt, detected + 120 * minute);

      await t.env.sleep('3 minutes');
      const raisedAt = await t.env.currentTimeMs();
      const raised = await handle.executeUpdate(changeClassificationUpdate, { args: [{ severity: 'SEV1', by: lead }] });
      expect(raised).toEqual({ severity: 'SEV1', tags: [], requiredApprovers: ['pr', 'executive'] });
      const after = await handle.query(incidentStateQuery);
      expect(after.escalations).toEqual([{ reason: 'A SEV1 outage pulls executives in at once', at: expect.any(String), notified: ['executives'] }]);
      expectAt(after.escalations[0].at, raisedAt);
      // The draft already awaiting approval now waits for the executive too.
      expect(after.status).toBe('awaiting-approval');
      expect(after.deadlines.filter((d) => d.kind === 'approval-timeout' && d.state === 'open').map((d) => d.owner).sort()).toEqual([exec, 'pr-oncall@herald.internal']);

      const execMail = await mailTo(exec, input.title, (m) => m.some((x) => x.Subject === `[SEV1] Escalation: ${input.title}`));
      expect(await t.mailpit.text(execMail.find((x) => x.Subject === `[SEV1] Escalation: ${input.title}`)!.ID)).toContain('A SEV1 outage pulls executives in at once');

      await sleepUntil(t.env, detected + 119 * minute);
      expect((await handle.query(incidentStateQuery)).escalations.map((e) => e.reason)).not.toContain('A major outage still open after two hours');
      await sleepUntil(t.env, detected + 121 * minute);
      const long = await waitFor(() => handle.query(incidentStateQuery), (s) => s.escalations.some((e) => e.reason === 'A major outage still open after two hours'));
      const fired = long.escalations.find((e) => e.reason === 'A major outage still open after two hours')!;
      expect([...fired.notified].sort()).toEqual(['account-management', 'executives']);
      expectAt(fired.at, detected + 120 * minute);
      const checked = long.deadlines.find((d) => d.kind === 'escalation-check' && d.firedAt)!;
      expectAt(checked.dueAt, detected + 120 * minute);
      expectAt(checked.firedAt, detected + 120 * minute);

      const accounts = await mailTo(accountList, input.title);
      const escalations = accounts.filter((x) => x.Subject.includes('Escalation:'));
      expect(escalations.map((x) => x.Subject)).toEqual([`[SEV1] Escalation: ${input.title}`]);
      expect(await t.mailpit.text(escalations[0].ID)).toContain('A major outage still open after two hours');
      // As a SEV1 the first external message was due at 15 minutes: the holding statement went out
      // then, before the enterprise customer's contractual deadline, so that never escalated (M1.4, M1.5).
      expect(long.published[0]).toMatchObject({ holdingStatement: true });
      expectShortlyAfter(long.published[0].publishedAt, detected + 15 * minute);
      expect(long.deadlines.filter((d) => d.kind.startsWith('contract')).map((d) => d.state)).toEqual(expect.arrayContaining(['met']));
      expect(long.deadlines.filter((d) => d.kind.startsWith('contract') && d.state === 'missed')).toEqual([]);
      expect(accounts.map((x) => x.Subject).filter((x) => !x.includes('Escalation:'))).toEqual([]);
      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.filter((r) => r.step === 'escalated' && Array.isArray(r.details.rules)).length === 2);
      expect(audit.filter((r) => r.step === 'escalated' && Array.isArray(r.details.rules)).map((r) => [r.actor, r.details.rules])).toEqual([
        [lead, ['sev1-executives']],
        ['herald', ['long-running']],
      ]);
    });
  });

  it('[M1.2] fifty or more affected customers notifies the executives and adds PR as an approver of a SEV3', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle, state } = await t.declare(taskQueue, 'SEV3', isPublished);
      expect(state.requiredApprovers).toEqual([]);
      expect((await handle.executeUpdate(changeClassificationUpdate, { args: [{ customersAffected: 49, by: lead }] })).requiredApprovers).toEqual([]);
      const many = await handle.executeUpdate(changeClassificationUpdate, { args: [{ customersAffected: 50, by: lead }] });
      expect(many).toEqual({ severity: 'SEV3', tags: [], requiredApprovers: ['pr'] });
      const after = await handle.query(incidentStateQuery);
      expect(after.escalations.map((e) => [e.reason, e.notified])).toEqual([['Fifty or more customers affected', ['executives']]]);

      const edit = await handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: 1, subject: 'Search: wider impact', text: 'More customers are affected than we first thought.', phase: 'identified', author: lead }],
      });
      expect(await handle.executeUpdate(publishUpdate, { args: [{ version: edit.version, by: lead }] })).toEqual({ version: edit.version, status: 'awaiting-approval' });
      expect(await mailTo(exec, input.title, (m) => m.some((x) => x.Subject === `[SEV3] Escalation: ${input.title}`))).toHaveLength(1);
    });
  });
});

describe('briefings for support and account management', () => {
  it('[M4.1] a briefing on demand carries the talking points, what not to say and the escalation path; the daily one is scheduled at detection + 24 h', async () => {
    await t.withWorker(async (taskQueue) => {
      // eu-region has no subscribers: a day of SEV4 cadence sends no customer email.
      const { input, handle, state, detected } = await t.declare(taskQueue, 'SEV4', isPublished, { components: ['eu-region'] });
      const briefingDl = state.deadlines.find((d) => d.kind === 'briefing' && d.state === 'open')!;
      expectAt(briefingDl.dueAt, detected + 24 * 60 * minute);

      expect(await handle.executeUpdate(requestBriefingUpdate, { args: [{ by: lead }] })).toEqual({ queued: true });
      const onDemand = await mailTo(supportList, input.title, (m) => m.length === 1);
      expect(onDemand[0].Subject).toBe(`[SEV4] Briefing #1: ${input.title}`);
      const text = await t.mailpit.text(onDemand[0].ID);
      expect(text).toContain('Approved talking points:');
      expect(text).toContain(state.published[0].subject);
      expect(text).toContain('What to say:');
      expect(text).toContain('What not to say:');
      expect(text).toContain(`Escalation path: ${escalationPath}`);
      expect((await mailTo(accountList, input.title, (m) => m.length === 1))[0].Subject).toBe(`[SEV4] Briefing #1: ${input.title}`);

      const audit = await waitFor(() => auditTrail(t.store, input.id), (x) => x.some((r) => r.step === 'briefing'));
      expect(audit.filter((r) => r.step === 'briefing').map((r) => [r.actor, r.details.number, r.details.lists])).toEqual([
        [lead, 1, [supportList, accountList]],
      ]);
    });
  });
});

describe('internal updates by audience level', () => {
  it('[M4.2] the executive level gets the summary only; the engineering level gets the technical details', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle } = await t.declare(taskQueue, 'SEV3', isPublished);
      const summary = 'Search is failing for about a third of customers; a fix is being rolled out.';
      const technicalDetails = 'Shard es-prod-7 OOM-killed after heap 31g; reindex job pinned to node pool B.';
      await handle.executeUpdate(internalUpdateUpdate, { args: [{ level: 'executive', summary, technicalDetails, by: lead }] });
      await handle.executeUpdate(internalUpdateUpdate, { args: [{ level: 'engineering', summary, technicalDetails, by: lead }] });
      await handle.executeUpdate(internalUpdateUpdate, { args: [{ level: 'internal', summary, technicalDetails, by: lead }] });
      expect((await handle.query(incidentStateQuery)).internalUpdates).toBe(3);

      const execMail = await mailTo(exec, input.title);
      expect(execMail.map((x) => x.Subject)).toEqual([`[SEV3] ${input.title}: update for executives`]);
      const execText = await t.mailpit.text(execMail[0].ID);
      expect(execText).toContain(summary);
      expect(execText).not.toContain('es-prod-7');
      expect(execText).not.toContain('Technical details');

      const engMail = await mailTo(lead, input.title, (m) => m.some((x) => x.Subject.endsWith('update for engineering')));
      const engText = await t.mailpit.text(engMail.find((x) => x.Subject.endsWith('update for engineering'))!.ID);
      expect(engText).toContain(summary);
      expect(engText).toMatch(/Technical details:\s+Shard es-prod-7/);
      expect(engText).toContain(technicalDetails);

      const supportMail = await mailTo(supportList, input.title);
      const supportText = await t.mailpit.text(supportMail[0].ID);
      expect(supportText).toContain(summary);
      expect(supportText).not.toContain('es-prod-7');

      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.filter((r) => r.step === 'internal-update').length === 3);
      expect(audit.filter((r) => r.step === 'internal-update').map((r) => r.details)).toEqual([
        { level: 'executive', audiences: ['executives'] },
        { level: 'engineering', audiences: ['engineering'] },
        { level: 'internal', audiences: ['internal-support', 'account-management'] },
      ]);
    });
  });
});

