import { outreachTaskId } from '../../domain/outreach';
import { incidentOutreach } from '../../store/outreach';
import { approveUpdate, editDraftUpdate, incidentStateQuery, publishUpdate, type IncidentView } from '../../workflows/messages';
import { auditTrail, expectAt, expectShortlyAfter, sleepUntil } from '../support/clock';
import type { MailpitMessage } from '../support/mailpit';
import { isPublished, minute, timeSkippingSuite, type TimeSkippingSuite } from '../support/time-skipping';
import { waitFor, workflowIdle } from '../support/wait';

/**
 * Distribution after publishing, on the time-skipping server with the real activities:
 * direct outreach to top-tier accounts and its deadline (M3.5), the per-recipient email limit
 * with its digest (M3.4), and contractual notice deadlines (M1.4).
 */

const t = timeSkippingSuite();

const lead = 'comms-lead@herald.internal';
const leadBackup = 'comms-lead-backup@herald.internal';
const accountList = 'account-managers@herald.internal';
const execOnCall = 'exec-oncall@herald.internal';


const only = (s: IncidentView, kind: string) => {
  const found = s.deadlines.filter((d) => d.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

/** Internal mail about one incident (its unique title or ID is in every subject). */
const mailTo = (address: string, subjectPart: string) => t.mailpit.search(`to:"${address}" subject:"${subjectPart}"`);

/** Customer email of one incident: its Message-IDs start with the incident ID. */
const ofIncident = (msgs: MailpitMessage[], incidentId: string, part: string) => msgs.filter((m) => m.MessageID.startsWith(`${incidentId}.${part}`));
const addressedTo = (msgs: MailpitMessage[], address: string) => msgs.filter((m) => m.To.some((x) => x.Address === address));

describe('direct outreach to top-tier accounts', () => {
  it('[M3.5] an outreach call not recorded by its deadline escalates once at exactly publish + 30 min; a completed one does not', async () => {
    const manager = `dana@${t.domain}`;
    await t.store.models.Customer.updateOne({ customerId: 'acme' }, { $set: { accountManager: { name: 'Dana Whitfield', email: manager } } });
    const planned = (s: IncidentView) => s.status === 'published' && s.deadlines.some((d) => d.kind === 'outreach' && d.state === 'open');
    await t.withWorker(async (taskQueue) => {
      // Two SEV4 outages on the API publish at once (no approvers); only Acme is enterprise.
      const missedCall = await t.declare(taskQueue, 'SEV4', planned);
      const madeCall = await t.declare(taskQueue, 'SEV4', planned);
      const due = (x: typeof missedCall) => Date.parse(x.state.published[0].publishedAt) + 30 * minute;

      for (const x of [missedCall, madeCall]) {
        const tasks = await incidentOutreach(t.store.models, x.input.id);
        expect(tasks).toHaveLength(1);
        expect(tasks[0]).toMatchObject({
          id: outreachTaskId(x.input.id, 'acme'), customerId: 'acme', tier: 'enterprise', status: 'open', version: 1,
          accountManager: { name: 'Dana Whitfield', email: manager },
          createdAt: x.state.published[0].publishedAt, dueAt: new Date(due(x)).toISOString(),
          talkingPoints: { subject: x.state.published[0].subject },
        });
        expect(only(x.state, 'outreach')).toMatchObject({ state: 'open', dueAt: new Date(due(x)).toISOString() });
        const audit = await waitFor(() => auditTrail(t.store, x.input.id), (a) => a.some((r) => r.step === 'outreach'));
        expect(audit.filter((r) => r.step === 'outreach').map((r) => r.details)).toEqual([{ version: 1, created: 1, updated: 0, open: 1 }]);
        const assigned = await waitFor(() => mailTo(manager, x.input.title), (m) => m.length > 0);
        expect(assigned.map((m) => m.Subject)).toEqual([`[Outreach] Call Acme about ${x.input.title} by ${new Date(due(x)).toISOString()}`]);
      }

      // The account manager records the call to the second incident's customer, as the API route does.
      await t.env.sleep('5 minutes');
      const done = await t.store.models.OutreachTask.collection.updateOne(
        { _id: outreachTaskId(madeCall.input.id, 'acme') as never, status: { $in: ['open', 'escalated'] } },
        { $set: { status: 'done', completedAt: new Date(await t.env.currentTimeMs()), completedBy: manager, outcome: 'reached' } },
      );
      expect(done.modifiedCount).toBe(1);

      await sleepUntil(t.env, due(missedCall) - minute);
      const before = await missedCall.handle.query(incidentStateQuery);
      expect(before.escalations).toEqual([]);
      expect(only(before, 'outreach').state).toBe('open');
      expect((await incidentOutreach(t.store.models, missedCall.input.id))[0].status).toBe('open');
      expect(await mailTo(manager, `incident ${missedCall.input.id}`)).toEqual([]);

      await sleepUntil(t.env, Math.max(due(missedCall), due(madeCall)) + minute);
      const after = await waitFor(() => missedCall.handle.query(incidentStateQuery), (s) => s.escalations.length > 0);
      expect(after.escalations).toEqual([
        { reason: '1 outreach call(s) to top-tier accounts not made in time', at: expect.any(String), notified: [lead, leadBackup, accountList] },
      ]);
      expect(after.escalations[0].reason).toContain('outreach');
      expectAt(after.escalations[0].at, due(missedCall));
      const fired = only(after, 'outreach');
      expectAt(fired.firedAt, due(missedCall));
      expect(fired.dueAt).toBe(new Date(due(missedCall)).toISOString());
      expect(after.deadlines.filter((d) => d.kind === 'outreach' && d.state === 'open')).toEqual([]);

      const [escalatedTask] = await incidentOutreach(t.store.models, missedCall.input.id);
      expect(escalatedTask).toMatchObject({ status: 'escalated', escalatedTo: [lead, leadBackup, accountList] });
      expectAt(escalatedTask.escalatedAt, due(missedCall));
      const audit = await waitFor(() => auditTrail(t.store, missedCall.input.id), (a) => a.some((r) => r.step === 'escalated'));
      expect(audit.filter((r) => r.step === 'escalated').map((r) => r.details)).toEqual([{ reason: 'outreach overdue', escalated: 1, open: 0 }]);
      expectShortlyAfter(audit.find((r) => r.step === 'escalated')!.at, due(missedCall));

      const subject = `[Outreach overdue] Acme has not been called about incident ${missedCall.input.id}`;
      const escalationMail = await waitFor(() => mailTo(lead, `incident ${missedCall.input.id}`), (m) => m.length > 0);
      expect(escalationMail.map((m) => m.Subject)).toEqual([subject]);
      expect(escalationMail[0].To.map((x) => x.Address).sort()).toEqual([accountList, leadBackup, lead, manager].sort());
      expect(await t.mailpit.text(escalationMail[0].ID)).toContain(`The direct call to Acme was due at ${new Date(due(missedCall)).toISOString()}`);

      // The recorded call: its deadline passed quietly.
      const quiet = await waitFor(() => madeCall.handle.query(incidentStateQuery), (s) => only(s, 'outreach').firedAt !== undefined);
      expectAt(only(quiet, 'outreach').firedAt, due(madeCall));
      expect(only(quiet, 'outreach').state).toBe('met');
      expect((await incidentOutreach(t.store.models, madeCall.input.id))[0]).toMatchObject({ status: 'done', outcome: 'reached', completedBy: manager });

      // Once: later time brings no second escalation, for either incident.
      await t.env.sleep('10 minutes');
      await Promise.all([missedCall.handle, madeCall.handle].map(workflowIdle));
      expect((await missedCall.handle.query(incidentStateQuery)).escalations).toHaveLength(1);
      expect(await mailTo(lead, `incident ${missedCall.input.id}`)).toHaveLength(1);
      expect(await mailTo(manager, `incident ${missedCall.input.id}`)).toHaveLength(1);
      expect((await madeCall.handle.query(incidentStateQuery)).escalations).toEqual([]);
      expect((await auditTrail(t.store, madeCall.input.id)).filter((r) => r.step === 'escalated')).toEqual([]);
      expect(await mailTo(lead, `incident ${madeCall.input.id}`)).toEqual([]);
      expect(await mailTo(manager, `incident ${madeCall.input.id}`)).toEqual([]);
    });
  }, 120_000);
});

describe('per-recipient email limit', () => {
  it('[M3.4] a second update inside the 30-minute window folds into a digest sent when the window ends', async () => {
    // Windows are measured on the workflow's clock, so this works on a server that already skipped ahead.
    await t.withWorker((taskQueue) => digestWindow(t, taskQueue));
  }, 120_000);
});

async function digestWindow(ts: TimeSkippingSuite, taskQueue: string) {
  const subscribers = ts.fixtures.apiSubscribers;
  const { input, handle, state } = await ts.declare(taskQueue, 'SEV4', isPublished);
  const v1At = Date.parse(state.published[0].publishedAt);
  const first = await ts.mailpit.waitFor(ts.domain, (m) => ofIncident(m, input.id, 'v1.').length === subscribers.length);
  expect(ofIncident(first, input.id, 'v1.').flatMap((m) => m.To.map((x) => x.Address)).sort()).toEqual(subscribers);

  await ts.env.sleep('5 minutes');
  const text = 'Search requests still fail for some customers. Our engineers are working on it.';
  const edit = await handle.executeUpdate(editDraftUpdate, {
    args: [{ baseVersion: 1, subject: 'Search is still down', text, phase: 'investigating', author: lead }],
  });
  expect(edit.version).toBe(2);
  expect(await handle.executeUpdate(publishUpdate, { args: [{ version: 2, by: lead }] })).toEqual({ version: 2, status: 'publishing' });
  const published = await waitFor(() => handle.query(incidentStateQuery), (s) => s.published.length === 2);
  expect(published.published[1]).toMatchObject({ version: 2, phase: 'investigating' });

  const audit = await waitFor(() => auditTrail(ts.store, input.id), (a) => a.some((r) => r.step === 'digest'));
  const deferred = audit.filter((r) => r.step === 'digest');
  expect(deferred.map((r) => r.details)).toEqual([{ version: 2, deferred: subscribers.length, dueAt: expect.any(String) }]);
  const digestDue = Date.parse(deferred[0].details.dueAt as string);
  // The window is 30 minutes from v1's email to each subscriber.
  expectShortlyAfter(new Date(digestDue).toISOString(), v1At + 30 * minute);
  expect(only(published, 'digest')).toMatchObject({ state: 'open', dueAt: new Date(digestDue).toISOString() });

  // The digest record is written after v2's broadcast returned: whatever it sent, Mailpit holds.
  expect(ofIncident(await ts.mailpit.toDomain(ts.domain), input.id, 'v2.')).toEqual([]);

  await sleepUntil(ts.env, digestDue - minute);
  expect(only(await handle.query(incidentStateQuery), 'digest').state).toBe('open');
  expect(ofIncident(await ts.mailpit.toDomain(ts.domain), input.id, 'digest.')).toEqual([]);

  await sleepUntil(ts.env, digestDue + minute);
  const sent = await waitFor(() => auditTrail(ts.store, input.id), (a) => a.filter((r) => r.step === 'digest').length === 2);
  expect(sent.filter((r) => r.step === 'digest')[1].details).toEqual({ sent: subscribers.length, remaining: 0 });
  const fired = only(await handle.query(incidentStateQuery), 'digest');
  expect(fired.state).toBe('met');
  expectAt(fired.firedAt, digestDue);

  const digests = await ts.mailpit.waitFor(ts.domain, (m) => ofIncident(m, input.id, 'digest.').length === subscribers.length);
  for (const address of subscribers) {
    const mine = addressedTo(ofIncident(digests, input.id, 'digest.'), address);
    expect(mine.map((m) => m.Subject)).toEqual([`[SEV4] Digest: 1 update on ${input.title}`]);
    expect(await ts.mailpit.text(mine[0].ID)).toContain(text);
  }
  expect(ofIncident(digests, input.id, 'v2.')).toEqual([]);

  // Exactly one each: nothing more arrives later.
  await ts.env.sleep('30 minutes');
  await workflowIdle(handle);
  const later = await ts.mailpit.toDomain(ts.domain);
  for (const address of subscribers) {
    expect(addressedTo(ofIncident(later, input.id, ''), address).filter((m) => m.Subject.includes('Digest'))).toHaveLength(1);
  }
}

describe('contractual notice deadlines', () => {
  it('[M1.4] an unpublished SEV1 escalates before its contractual deadline and records the breach at it', async () => {
    // Acme's contract wants notice of a SEV1 within 10 minutes: before the 15-minute holding statement.
    await t.store.models.Customer.updateOne({ customerId: 'acme' }, { $set: { contract: { notifyWithinMinutes: { SEV1: 10, SEV2: 60, SEV3: 240 } } } });
    const contractual = (s: IncidentView) => s.deadlines.some((d) => d.kind === 'contract-breach');
    await t.withWorker(async (taskQueue) => {
      const silent = await t.declare(taskQueue, 'SEV1', (s) => s.status === 'awaiting-approval' && contractual(s));
      const breachAt = silent.detected + 10 * minute;
      const warning = only(silent.state, 'contract-warning');
      // max(now, due - 10 min): the warning is due at once, when the audience is planned.
      expect(Date.parse(warning.dueAt)).toBeGreaterThanOrEqual(silent.detected);
      expect(Date.parse(warning.dueAt) - silent.detected).toBeLessThan(30_000);
      expect(only(silent.state, 'contract-breach')).toMatchObject({ dueAt: new Date(breachAt).toISOString() });

      // A second SEV1 on the same contract is approved and published first: its deadlines are met.
      const told = await t.declare(taskQueue, 'SEV1', (s) => s.status === 'awaiting-approval');
      for (const role of ['pr', 'executive'] as const) {
        await told.handle.executeUpdate(approveUpdate, { args: [{ version: 1, approver: `${role}@herald.internal`, as: role, heldRoles: [role] }] });
      }
      await waitFor(() => told.handle.query(incidentStateQuery), (s) => s.published.length === 1);

      const warned = await waitFor(() => silent.handle.query(incidentStateQuery), (s) => only(s, 'contract-warning').state === 'missed');
      expectAt(only(warned, 'contract-warning').firedAt, Date.parse(warning.dueAt));
      const reasons = (s: IncidentView) => s.escalations.filter((e) => e.reason.startsWith('contractual notice'));
      expect(reasons(warned)).toEqual([{
        reason: `contractual notice to 1 enterprise customer(s) is due at ${new Date(breachAt).toISOString()}; nothing has been published yet`,
        at: expect.any(String), notified: [lead, leadBackup, accountList],
      }]);
      const approaching = `[SEV1] ${silent.input.title}: contract deadline approaching`;
      for (const address of [lead, leadBackup, accountList]) {
        const mail = await waitFor(() => mailTo(address, silent.input.title), (m) => m.some((x) => x.Subject === approaching));
        expect(mail.filter((x) => x.Subject === approaching)).toHaveLength(1);
      }

      await sleepUntil(t.env, breachAt - minute);
      const waiting = await silent.handle.query(incidentStateQuery);
      expect(waiting.published).toEqual([]);
      expect(only(waiting, 'contract-breach').state).toBe('open');

      await sleepUntil(t.env, breachAt + minute);
      const breached = await waitFor(() => silent.handle.query(incidentStateQuery), (s) => only(s, 'contract-breach').state === 'missed');
      expect(breached.published).toEqual([]);
      expectAt(only(breached, 'contract-breach').firedAt, breachAt);
      expect(reasons(breached)).toHaveLength(2);
      expect(reasons(breached)[1]).toEqual({
        reason: `contractual notice to 1 enterprise customer(s) was due at ${new Date(breachAt).toISOString()} and nothing has been published`,
        at: expect.any(String), notified: [lead, leadBackup, accountList, execOnCall],
      });
      expectAt(reasons(breached)[1].at, breachAt);
      const breachSubject = `[SEV1] ${silent.input.title}: contract breached`;
      for (const address of [lead, leadBackup, accountList, execOnCall]) {
        const mail = await waitFor(() => mailTo(address, silent.input.title), (m) => m.some((x) => x.Subject === breachSubject));
        expect(mail.filter((x) => x.Subject === breachSubject)).toHaveLength(1);
      }

      const audit = await waitFor(() => auditTrail(t.store, silent.input.id), (a) => a.filter((r) => r.step === 'contract-deadline').length === 2);
      const records = audit.filter((r) => r.step === 'contract-deadline');
      expect(records.map((r) => r.details)).toEqual([
        { breached: false, dueAt: new Date(breachAt).toISOString(), tiers: ['enterprise'], customers: 1 },
        { breached: true, dueAt: new Date(breachAt).toISOString(), tiers: ['enterprise'], customers: 1 },
      ]);
      expectShortlyAfter(records[1].at, breachAt);

      // Published first: no contract deadline was missed and nobody was told of one.
      const quiet = await told.handle.query(incidentStateQuery);
      expect(quiet.deadlines.filter((d) => d.kind.startsWith('contract-') && d.state !== 'met')).toEqual([]);
      expect(quiet.escalations.filter((e) => e.reason.startsWith('contractual notice'))).toEqual([]);
      expect((await auditTrail(t.store, told.input.id)).filter((r) => r.step === 'contract-deadline')).toEqual([]);
      expect((await mailTo(accountList, told.input.title)).filter((x) => x.Subject.includes('contract'))).toEqual([]);
    });
  }, 120_000);
});
