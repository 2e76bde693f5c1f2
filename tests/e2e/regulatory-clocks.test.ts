import { keys, harnessForFile } from '../support/harness';
import { declareIncident, waitForAudit, waitForState } from '../support/incidents';
import type { MailpitMessage } from '../support/mailpit';
import { waitFor } from '../support/wait';

/**
 * Regulatory clocks through the public API on the demo data (X3): a SEV1 data breach marked as
 * GDPR shows its clock in the incident view and on the executive dashboard, the reminder reaches
 * the communication lead and the DPO by email, and recording the filing writes the evidence record.
 */

const h = harnessForFile({ data: 'demo' });
const hour = 3_600_000;

describe('regulatory clocks through the API', () => {
  it('[X3] marks a SEV1 data breach as GDPR: clock in the view and dashboard, the reminder by email, the filing as evidence', async () => {
    const title = `Export job exposed records ${Date.now()}`;
    const id = await declareIncident(h, {
      title, category: 'data-breach', severity: 'SEV1', components: ['payments'], tags: ['data-exposure'],
      summary: 'A misconfigured export made payment receipts readable by other accounts for two hours.',
      fields: { dataCategories: 'email addresses', exposureWindow: 'two hours', affectedRecordCount: '1200' },
    });
    await waitForState(h, id, (s) => s.status === 'awaiting-approval', 'the first version awaiting approval');

    // Bad input: an unknown regime is 400 with its path; the clock starts once, a second time is 409.
    const unknown = await h.request('POST', `/v1/incidents/${id}/regulatory`, { key: keys.responder, body: { regime: 'ccpa' } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('regime');
    expect((await h.request('POST', `/v1/incidents/${id}/regulatory`, { key: keys.viewer, body: { regime: 'gdpr' } })).status).toBe(403);

    // Aware 68 hours ago (less a few seconds): the 4-hour reminder before the 72-hour deadline is due in seconds.
    const awareAt = new Date(Date.now() - 68 * hour + 3_000).toISOString();
    const started = await h.request('POST', `/v1/incidents/${id}/regulatory`, { key: keys.responder, body: { regime: 'gdpr', awareAt } });
    expect(started.status).toBe(201);
    const deadline = new Date(Date.parse(awareAt) + 72 * hour).toISOString();
    expect(started.body.phases.find((p: { phase: string }) => p.phase === 'authority-notification')).toMatchObject({ status: 'due', deadline });
    expect((await h.request('POST', `/v1/incidents/${id}/regulatory`, { key: keys.responder, body: { regime: 'gdpr' } })).status).toBe(409);

    const view = await waitForState(h, id, (s) => s.regulatoryClocks?.length > 0, 'the clock in the incident view');
    expect(view.regulatoryClocks.find((c: { phase: string }) => c.phase === 'authority-notification')).toMatchObject({
      regime: 'gdpr', status: 'due', deadline, citation: { ref: 'GDPR Art. 33(1)' },
    });
    expect(Array.isArray(view.contractualNotices)).toBe(true);

    // The dashboard shows the clock to the executive.
    const dash = await waitFor(
      () => h.request('GET', '/v1/dashboard', { key: keys.executive }),
      (r) => r.status === 200 && (r.body.incidents as { id: string; clocks: { kind: string; words: string }[] }[]).some((i) => i.id === id && i.clocks.some((c) => c.kind === 'regulatory' && c.words.includes('Notify the supervisory authority'))),
      'the GDPR clock on the dashboard',
    );
    const clock = dash.body.incidents.find((i: { id: string }) => i.id === id).clocks.find((c: { words: string }) => c.words.includes('Notify the supervisory authority'));
    expect(clock).toMatchObject({ kind: 'regulatory', overdue: false, dueAt: deadline });

    // The 4-hour reminder reaches the lead and the DPO by email.
    // One message per recipient: wait until the DPO's and the lead's have both arrived.
    const remindersOf = (msgs: MailpitMessage[]) => msgs.filter((m) => m.Subject.includes('Notify the supervisory authority due'));
    const reminders = await waitFor(() => h.mailpit.search(`subject:"${id}"`), (msgs) => {
      const to = remindersOf(msgs).flatMap((m) => m.To.map((x) => x.Address));
      return to.some((a) => a.startsWith('dpo')) && to.includes(view.roles['communication-lead'][0]);
    }, 'the reminder to the DPO and the lead in Mailpit');
    const sent = remindersOf(reminders);
    const reminder = sent[0];
    const to = sent.flatMap((m) => m.To.map((x) => x.Address));
    expect(to.some((a) => a.startsWith('dpo'))).toBe(true);
    expect(to).toEqual(expect.arrayContaining([view.roles['communication-lead'][0]]));
    expect(await h.mailpit.text(reminder.ID)).toContain(`/v1/incidents/${id}/regulatory/gdpr/phases/authority-notification/filed`);

    // Filing: 400 on a phase the regime lacks, 201 once, 409 the second time; the evidence record is in the audit.
    const filed = `/v1/incidents/${id}/regulatory/gdpr/phases/authority-notification/filed`;
    const body = { summary: 'Art. 33 notification with the nature of the breach, categories and approximate numbers', sentTo: ['CNIL'], reference: 'CNIL-2026-0042' };
    expect((await h.request('POST', `/v1/incidents/${id}/regulatory/gdpr/phases/no-such-phase/filed`, { key: keys.responder, body })).status).toBe(400);
    expect((await h.request('POST', `/v1/incidents/${id}/regulatory/gdpr/phases/authority-notification/filed`, { key: keys.responder, body: { sentTo: [] } })).status).toBe(400);
    const met = await h.request('POST', filed, { key: keys.responder, body });
    expect(met.status).toBe(201);
    expect(met.body).toMatchObject({ phase: 'authority-notification', status: 'met', late: false, evidence: { reference: 'CNIL-2026-0042', sentTo: ['CNIL'] } });
    expect((await h.request('POST', filed, { key: keys.responder, body })).status).toBe(409);
    const audit = await waitForAudit(h, id, 'regulatory-evidence', { regime: 'gdpr', phase: 'authority-notification' });
    const evidence = audit.find((r) => r.step === 'regulatory-evidence')!;
    expect(evidence.details).toMatchObject({ sentTo: ['CNIL'], reference: 'CNIL-2026-0042', dueAt: deadline, late: false, citation: 'GDPR Art. 33(1)' });
    expect(Number(evidence.details.marginMs)).toBeGreaterThan(3 * hour);
    const after = await waitForState(h, id, (s) => s.regulatoryClocks.find((c: { phase: string }) => c.phase === 'authority-notification')?.status === 'met', 'the phase met in the view');
    expect(after.regulatoryClocks.find((c: { phase: string }) => c.phase === 'authority-notification').metAt).toBeDefined();
  }, 120_000);

  it('[X3] starts the GDPR clock by the playbook rule: a data-exposure incident whose data subjects include the EU', async () => {
    const id = await declareIncident(h, {
      title: `Support export exposed EU customer records ${Date.now()}`, category: 'data-breach', severity: 'SEV1', components: ['payments'], tags: ['data-exposure'],
      summary: 'A support export was readable by other accounts.',
      fields: { dataCategories: 'email addresses', exposureWindow: 'one hour', affectedRecordCount: '40', dataSubjectRegions: 'US, EU' },
    });
    const view = await waitForState(h, id, (s) => s.regulatoryClocks?.length > 0, 'the clock started by the rule');
    const detected = Date.parse(view.detectedAt);
    expect(view.regulatoryClocks.find((c: { phase: string }) => c.phase === 'authority-notification')).toMatchObject({
      regime: 'gdpr', how: 'playbook-rule', status: 'due', deadline: new Date(detected + 72 * hour).toISOString(),
    });
    expect(view.regulatoryClocks.every((c: { regime: string }) => c.regime === 'gdpr')).toBe(true);
    const started = await waitForAudit(h, id, 'regulatory-clock-started', { regime: 'gdpr', how: 'playbook-rule' });
    expect(started.some((r) => r.step === 'regulatory-clock-started')).toBe(true);
  }, 60_000);
});
