import { createOutreachActivities } from '../../activities/outreach';
import type { IncidentInput } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { keys, startHarness, workerConfig, type Harness } from '../support/harness';

let h: Harness;
let outreach: ReturnType<typeof createOutreachActivities>;

const publicUrl = 'http://status.herald.test';

beforeAll(async () => {
  h = await startHarness({ worker: false });
  outreach = createOutreachActivities({ store: h.store, mailer: h.mailer, config: { ...workerConfig(publicUrl), escalationEmails: [`escalation@${h.domain}`] } });
  const { Customer } = h.store.models;
  // Acme (enterprise, on `api`) gets its phone and account manager; Wayne is enterprise and reached
  // through payments -> api; Stark is enterprise on an unaffected component; Initech is standard.
  await Customer.updateOne({ customerId: 'acme' }, { $set: { phone: '+14155550100', accountManager: { name: 'Dana Whitfield', email: `am-acme@${h.domain}` } } });
  await Customer.insertMany([
    {
      customerId: 'wayne', name: 'Wayne Enterprises', tier: 'enterprise', locale: 'en', emails: [`noc@${h.domain}`], subscriptions: ['payments'],
      phone: '+442079460958', accountManager: { name: 'Priya Raman', email: `am-wayne@${h.domain}` },
    },
    {
      customerId: 'stark', name: 'Stark Industries', tier: 'enterprise', locale: 'en', emails: [`ops-stark@${h.domain}`], subscriptions: ['dashboard'],
      phone: '+14155550199', accountManager: { name: 'Sam Carter', email: `am-stark@${h.domain}` },
    },
  ]);
});
afterAll(async () => {
  await h?.close();
});

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

function incident(overrides: Partial<IncidentInput> = {}): IncidentInput {
  const id = uniqueName('OUT');
  return {
    id, title: `Checkout errors ${id}`, category: 'outage', severity: 'SEV2', components: ['api'],
    summary: 'Some payments fail.', declaredBy: 'riley@herald.example', detectedAt: new Date().toISOString(), ...overrides,
  };
}

const points = (n: number) => ({ subject: `Payments are failing (update ${n})`, text: `We are investigating failed payments. Update ${n}.` });

async function mailsAbout(incidentId: string) {
  return (await h.mailpit.toDomain(h.domain)).filter((m) => m.Subject.includes(incidentId));
}

/**
 * The mail about an incident once the expected count arrived. The activities that send it have
 * returned by then, and they send before they return: a duplicate would already be here too.
 */
async function sentMails(incidentId: string, expected: number) {
  await h.mailpit.waitFor(h.domain, (m) => m.filter((x) => x.Subject.includes(incidentId)).length >= expected);
  return mailsAbout(incidentId);
}

describe('direct outreach to top-tier accounts', () => {
  it('[M3.5] creates tasks only for affected top-tier accounts and emails each account manager once, even when run twice', async () => {
    const inc = incident();
    const dueAt = minutes(30);
    const req = {
      incident: inc, version: 1, tiers: ['enterprise'], createdAt: new Date().toISOString(), dueAt,
      talkingPoints: { subject: 'Payments are failing', text: 'Some card payments fail while pgbouncer restarts. We will update you within 30 minutes.' },
    };
    expect(await outreach.createOutreachTasks(req)).toEqual({ created: 2, updated: 0, open: 2, earliestDueAt: dueAt });
    expect(await outreach.createOutreachTasks(req)).toEqual({ created: 0, updated: 0, open: 2, earliestDueAt: dueAt });

    const list = await h.request('GET', `/v1/incidents/${inc.id}/outreach`, { key: keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ incidentId: inc.id, open: 2, overdue: 0 });
    expect(list.body.tasks.map((t: any) => t.customerId)).toEqual(['acme', 'wayne']);
    const acme = list.body.tasks[0];
    expect(acme).toMatchObject({
      id: `${inc.id}#acme`, customerName: 'Acme', tier: 'enterprise', phone: '+14155550100', status: 'open', overdue: false, version: 1, dueAt,
      accountManager: { name: 'Dana Whitfield', email: `am-acme@${h.domain}` },
    });
    // The talking points passed the one gate: the internal service name never reaches the call sheet.
    expect(acme.talkingPoints.subject).toBe('Payments are failing');
    expect(acme.talkingPoints.text).not.toContain('pgbouncer');
    const nearMisses = await h.store.models.NearMiss.find({ incidentId: inc.id }).lean();
    expect(nearMisses.map((n) => [n.kind, n.details.channel])).toEqual([['redacted-disclosure', 'outreach']]);

    const mails = await sentMails(inc.id, 2);
    expect(mails.map((m) => m.To.map((t) => t.Address)).sort()).toEqual([[`am-acme@${h.domain}`], [`am-wayne@${h.domain}`]]);
    const toAcme = mails.find((m) => m.To[0].Address === `am-acme@${h.domain}`)!;
    expect(toAcme.MessageID).toBe(`${inc.id}.outreach-assigned.acme@herald.test`);
    const text = await h.mailpit.text(toAcme.ID);
    expect(text).toContain('+14155550100');
    expect(text).toContain(dueAt);
    expect(text).toContain(acme.talkingPoints.text);
    expect(text).not.toContain('pgbouncer');
    expect(text).toContain(`${publicUrl}/v1/incidents/${inc.id}/outreach/acme/complete`);
  });

  it('[M3.5] a later version refreshes the talking points of open tasks without moving their deadline or mailing again', async () => {
    const inc = incident({ components: ['payments'] });
    const dueAt = minutes(30);
    const first = { incident: inc, version: 1, tiers: ['enterprise'], createdAt: new Date().toISOString(), dueAt, talkingPoints: points(1) };
    expect(await outreach.createOutreachTasks(first)).toMatchObject({ created: 2, updated: 0 });
    const second = { ...first, version: 2, dueAt: minutes(90), createdAt: minutes(20), talkingPoints: points(2) };
    expect(await outreach.createOutreachTasks(second)).toEqual({ created: 0, updated: 2, open: 2, earliestDueAt: dueAt });
    // A retry of the older version does not bring the old words back.
    expect(await outreach.createOutreachTasks(first)).toMatchObject({ created: 0, updated: 0 });

    const list = await h.request('GET', `/v1/incidents/${inc.id}/outreach`, { key: keys.responder });
    for (const t of list.body.tasks) expect(t).toMatchObject({ version: 2, talkingPoints: points(2), dueAt });
    expect(await sentMails(inc.id, 2)).toHaveLength(2);
  });

  it('[M3.5] records a call through the API once: 200 with the task, then 409; 404 and 400 for wrong input', async () => {
    const inc = incident();
    await outreach.createOutreachTasks({ incident: inc, version: 1, tiers: ['enterprise'], createdAt: new Date().toISOString(), dueAt: minutes(30), talkingPoints: points(1) });
    const path = `/v1/incidents/${inc.id}/outreach/acme/complete`;

    expect((await h.request('POST', path, { key: keys.viewer, body: { outcome: 'reached' } })).status).toBe(403);
    const bad = await h.request('POST', path, { key: keys.responder, body: { outcome: 'maybe', notes: 7 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['notes', 'outcome']);

    const done = await h.request('POST', path, { key: keys.responder, body: { outcome: 'reached', notes: 'Spoke to their CTO.' } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id: `${inc.id}#acme`, status: 'done', outcome: 'reached', notes: 'Spoke to their CTO.', completedBy: 'riley@herald.example', overdue: false,
    });
    expect(Date.parse(done.body.completedAt)).toBeGreaterThan(Date.now() - 60_000);

    const again = await h.request('POST', path, { key: keys.manager, body: { outcome: 'voicemail' } });
    expect(again.status).toBe(409);
    expect(again.body.details.task).toMatchObject({ outcome: 'reached', completedBy: 'riley@herald.example' });

    expect((await h.request('POST', `/v1/incidents/${inc.id}/outreach/stark/complete`, { key: keys.responder, body: { outcome: 'reached' } })).status).toBe(404);
    expect((await h.request('POST', `/v1/incidents/NOPE-${inc.id}/outreach/acme/complete`, { key: keys.admin, body: { outcome: 'reached' } })).status).toBe(404);
    expect((await h.request('GET', `/v1/incidents/NOPE-${inc.id}/outreach`, { key: keys.viewer })).status).toBe(404);

    const list = await h.request('GET', `/v1/incidents/${inc.id}/outreach`, { key: keys.approver });
    expect(list.body).toMatchObject({ open: 1, overdue: 0 });
    expect(list.body.tasks.map((t: any) => [t.customerId, t.status])).toEqual([['acme', 'done'], ['wayne', 'open']]);
  });

  it('[M3.5] escalates calls still open at their deadline once, by email to the escalation list and the account manager', async () => {
    const inc = incident();
    const dueAt = minutes(-1);
    await outreach.createOutreachTasks({ incident: inc, version: 1, tiers: ['enterprise'], createdAt: minutes(-31), dueAt, talkingPoints: points(1) });
    // Acme was called in time; Wayne was not.
    expect((await h.request('POST', `/v1/incidents/${inc.id}/outreach/acme/complete`, { key: keys.responder, body: { outcome: 'voicemail' } })).status).toBe(200);
    const overdue = await h.request('GET', `/v1/incidents/${inc.id}/outreach`, { key: keys.viewer });
    expect(overdue.body).toMatchObject({ open: 1, overdue: 1 });

    const at = new Date().toISOString();
    const lead = `lead@${h.domain}`;
    expect(await outreach.escalateOutreach({ incidentId: inc.id, at, escalateTo: [lead] })).toEqual({ escalated: 1, open: 0 });
    // A retry of the same escalation answers the same; a later one finds nothing new.
    expect(await outreach.escalateOutreach({ incidentId: inc.id, at, escalateTo: [lead] })).toEqual({ escalated: 1, open: 0 });
    expect(await outreach.escalateOutreach({ incidentId: inc.id, at: minutes(5), escalateTo: [lead] })).toEqual({ escalated: 0, open: 0 });

    const mails = (await sentMails(`${inc.id}`, 3)).filter((m) => m.Subject.startsWith('[Outreach overdue]'));
    expect(mails).toHaveLength(1);
    expect(mails[0].Subject).toContain('Wayne Enterprises');
    expect(mails[0].To.map((t) => t.Address).sort()).toEqual([`am-wayne@${h.domain}`, lead]);
    expect(mails[0].MessageID).toBe(`${inc.id}.outreach-escalated.wayne@herald.test`);

    const list = await h.request('GET', `/v1/incidents/${inc.id}/outreach`, { key: keys.viewer });
    expect(list.body.tasks.find((t: any) => t.customerId === 'wayne')).toMatchObject({ status: 'escalated', escalatedAt: at, escalatedTo: [lead], overdue: true });
    // An escalated call can still be made and recorded.
    const late = await h.request('POST', `/v1/incidents/${inc.id}/outreach/wayne/complete`, { key: keys.admin, body: { outcome: 'unreachable' } });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ status: 'done', outcome: 'unreachable', escalatedAt: at, overdue: false });
  });

  it('[M3.5] leaves calls that are not yet due open and names the next deadline', async () => {
    const inc = incident();
    const dueAt = minutes(30);
    await outreach.createOutreachTasks({ incident: inc, version: 1, tiers: ['enterprise', 'standard'], createdAt: new Date().toISOString(), dueAt, talkingPoints: points(1) });
    expect(await outreach.escalateOutreach({ incidentId: inc.id, at: new Date().toISOString(), escalateTo: [] })).toEqual({ escalated: 0, open: 3, nextDueAt: dueAt });
    const list = await h.request('GET', `/v1/incidents/${inc.id}/outreach`, { key: keys.viewer });
    expect(list.body.tasks.map((t: any) => [t.customerId, t.tier, t.status, t.accountManager?.email])).toEqual([
      ['acme', 'enterprise', 'open', `am-acme@${h.domain}`], ['initech', 'standard', 'open', undefined], ['wayne', 'enterprise', 'open', `am-wayne@${h.domain}`],
    ]);
    // The standard-tier account has no manager, so nobody is assigned by email; at its deadline it
    // escalates to the configured escalation list.
    const mails = await sentMails(inc.id, 2);
    expect(mails.map((m) => m.To[0].Address).sort()).toEqual([`am-acme@${h.domain}`, `am-wayne@${h.domain}`]);
    expect(await outreach.escalateOutreach({ incidentId: inc.id, at: minutes(31), escalateTo: [] })).toEqual({ escalated: 3, open: 0 });
    const escalations = (await sentMails(inc.id, 5)).filter((m) => m.Subject.startsWith('[Outreach overdue]'));
    expect(escalations.map((m) => m.To.map((t) => t.Address).sort()).sort()).toEqual([
      [`am-acme@${h.domain}`, `escalation@${h.domain}`], [`am-wayne@${h.domain}`, `escalation@${h.domain}`], [`escalation@${h.domain}`],
    ]);
  });
});
