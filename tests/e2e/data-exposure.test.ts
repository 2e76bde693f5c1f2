import { describeTemplateCoverage, templateCoverage } from '../../store/template-coverage';
import { keys, harnessForFile } from '../support/harness';
import type { MailpitMessage } from '../support/mailpit';
import { declareIncident, signAll, waitForState } from '../support/incidents';

/**
 * The data-exposure path on exactly the data set `npm start` seeds (M2.3, M5.3): the tag's own
 * template, reviewed at seeding, reaches customers once every approver signed, and the incident
 * closes through POST …/resolve with the resolution message delivered.
 */

const h = harnessForFile({ data: 'demo' });

// Nothing depends on payments: Acme, Umbrella and Soylent (en), Pampa (es) and Gringotts (nl) subscribe to it.
const customers = ['beheer@gringotts.example', 'cto@acme.example', 'finance@soylent.example', 'noc@umbrella.example', 'ops@acme.example', 'ops@soylent.example', 'soporte@pampa.example'];
const toCustomers = (msgs: MailpitMessage[], subject: (s: string) => boolean) =>
  msgs.filter((m) => subject(m.Subject) && customers.includes(m.To[0]?.Address));

describe('a data-exposure incident on the demo data', () => {
  it('[M5.3] seeds every shipped template with legal and data-protection reviews dated at seeding, current for a year', async () => {
    const list = await h.request('GET', '/v1/templates', { key: keys.admin });
    expect(list.status).toBe(200);
    const ids = (list.body.templates as { templateId: string }[]).map((t) => t.templateId);
    expect(ids).toEqual(expect.arrayContaining(['data-exposure-notice', 'regulated-customer-notice', 'vendor-involvement-notice', 'payment-data-notice', 'credential-rotation-notice', 'generic-resolved']));
    for (const templateId of ['data-exposure-notice', 'data-exposure-notice-ja', 'generic-resolved']) {
      const t = (await h.request('GET', `/v1/templates/${templateId}`, { key: keys.admin })).body;
      expect(t.reviewProblems).toEqual([]);
      expect(t.review.legal.contentHash).toBe(t.contentHash);
      const { at, expiresAt } = t.review.dataProtection;
      expect(Date.now() - Date.parse(at)).toBeLessThan(10 * 60_000);
      expect(Date.parse(expiresAt) - Date.parse(at)).toBe(365 * 86_400_000);
    }
    // What the worker checks at start: nothing to report on the seeded set.
    expect(await templateCoverage(h.store)).toEqual({ missing: [], unreviewed: [] });
  });

  it('[M2.3, M5.3] sends the reviewed data-exposure notice once every approver signed, and closes through resolve', async () => {
    const title = `Export job exposed records ${Date.now()}`;
    const id = await declareIncident(h, {
      title, category: 'data-breach', severity: 'SEV1', components: ['payments'], tags: ['data-exposure'],
      summary: 'A misconfigured export made payment receipts readable by other accounts for two hours.',
      fields: { dataCategories: 'email addresses', exposureWindow: 'two hours', affectedRecordCount: '1200' },
    });

    const drafted = await waitForState(h, id, (s) => s.status === 'awaiting-approval', 'the first version awaiting approval');
    expect(drafted.currentDraft).toMatchObject({ version: 1, templateId: 'data-exposure-notice' });
    expect(drafted.requiredApprovers).toEqual(['legal', 'pr', 'executive', 'dpo']);
    expect(Object.keys(drafted.currentDraft.translations)).toEqual(['es', 'nl']);
    await signAll(h, id, 1);
    const published = await waitForState(h, id, (s) => s.status === 'published' || !!s.blockedBy, 'the first version published');
    expect(published.blockedBy).toBeUndefined();

    const first = await h.mailpit.waitForIncident(id, (m) => toCustomers(m, (s) => s.includes(title)).length === customers.length);
    const notices = toCustomers(first, (s) => s.includes(title));
    expect(notices.map((m) => m.To[0].Address).sort()).toEqual(customers);
    expect(notices.find((m) => m.To[0].Address === 'noc@umbrella.example')!.Subject).toBe(`Important notice about your data: ${title}`);
    expect(notices.find((m) => m.To[0].Address === 'soporte@pampa.example')!.Subject).toBe(`Aviso importante sobre sus datos: ${title}`);
    expect(notices.find((m) => m.To[0].Address === 'beheer@gringotts.example')!.Subject).toBe(`Belangrijke melding over uw gegevens: ${title}`);

    const resolve = await h.request('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'The export is closed and the logs are private again.' } });
    expect(resolve.status).toBe(202);
    const closing = await waitForState(h, id, (s) => s.status === 'awaiting-approval' && s.currentDraft?.phase === 'resolved', 'the resolution awaiting approval');
    expect(closing.currentDraft.templateId).toBe('generic-resolved');
    await signAll(h, id, closing.currentDraft.version);

    const done = await waitForState(h, id, (s) => s.status === 'resolved', 'the incident resolved');
    expect(done.resolvedAt).toEqual(expect.any(String));
    expect(done.blockedBy).toBeUndefined();
    const resolved = (s: string) => s === `Resolved: ${title}`;
    const all = await h.mailpit.waitForIncident(id, (m) => toCustomers(m, resolved).length === customers.length);
    expect(toCustomers(all, resolved).map((m) => m.To[0].Address).sort()).toEqual(customers);
  });

  it('[M2.3, M5.3] shows blockedBy with the reasons on GET /v1/incidents/:id when the template lost its review', async () => {
    // An edit of the regulated-customer notice is new wording: its reviews do not carry over.
    const current = await h.request('GET', '/v1/templates/regulated-customer-notice', { key: keys.admin });
    expect(current.status).toBe(200);
    expect(current.body.reviewProblems).toEqual([]);
    const { version } = current.body;
    const edited = await h.request('PUT', '/v1/templates/regulated-customer-notice', {
      key: keys.admin, body: { ...current.body, baseVersion: version, body: `${current.body.body}\n\nWe are sorry for the trouble.` },
    });
    expect(edited.status).toBe(200);
    // The worker's start-up check now names it for every playbook whose tag names it.
    const report = describeTemplateCoverage(await templateCoverage(h.store));
    expect(report).toHaveLength(13);
    expect(report).toContain(
      'playbook outage-single: tag "regulated-customer" names template "regulated-customer-notice", which restricted incidents cannot use: the wording has no legal approval; the wording has no data-protection (GDPR/CCPA) review',
    );

    const title = `Records service errors for a regulated customer ${Date.now()}`;
    const id = await declareIncident(h, {
      title, category: 'outage', severity: 'SEV2', components: ['email-delivery'], tags: ['regulated-customer'],
      summary: 'Delivery of notifications fails for some customers.',
      fields: { regulatoryReference: 'HIPAA 164.410', contractualNoticeDeadline: '24 hours' },
    });
    const drafted = await waitForState(h, id, (s) => s.status === 'awaiting-approval', 'the first version awaiting approval');
    expect(drafted.currentDraft.templateId).toBe('regulated-customer-notice');
    await signAll(h, id, 1);

    const blocked = await waitForState(h, id, (s) => !!s.blockedBy, 'blockedBy on the incident');
    expect(blocked.status).toBe('drafting');
    expect(blocked.blockedBy).toEqual({
      version: 1,
      at: expect.any(String),
      checks: ['governance'],
      reasons: [`template "regulated-customer-notice" v${version + 1}: the wording has no legal approval; the wording has no data-protection (GDPR/CCPA) review`],
    });
    expect(toCustomers(await h.mailpit.forIncident(id), (s) => s.includes(title))).toEqual([]);
  });
});
