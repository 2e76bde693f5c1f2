import type { PublicationCheckRequest } from '../../activities/publication';
import { localizedContentHash } from '../../domain/messages/content-hash';
import { recordReview, saveTemplate } from '../../store/templates';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { nearMisses } from '../support/incidents';
import { basePolicy, checkedAt as at, checkedMessage, publicationCheck, translation, type CheckedMessage as Message } from '../support/publication';

/**
 * The publication check (M2.2, M2.3, M2.4, M2.5, M5.3) run as the worker runs it, against
 * FerretDB: seeded customers decide the locales, the template registry decides governance, and
 * every problem is a near miss read back through the API (M5.6).
 */

const h = harnessForFile({ worker: false });
const checkPublication = publicationCheck(h);
const policy = basePolicy;


beforeAll(async () => {
  // Webhook delivery has no dependents and, in the fixtures, no subscribers: these two are its readers.
  await h.store.models.Customer.insertMany([
    { customerId: 'kunde-de', name: 'Kunde GmbH', tier: 'business', locale: 'de', emails: [`it@kunde.${h.domain}`], subscriptions: ['webhook-delivery'] },
    { customerId: 'client-fr', name: 'Client SA', tier: 'business', locale: 'fr', emails: [`it@client.${h.domain}`], subscriptions: ['webhook-delivery'] },
  ]);
});

const message = (over: Partial<Message> = {}): Message =>
  checkedMessage({ version: 2, subject: 'Email delivery is delayed', text: 'Some emails arrive up to 30 minutes late. We will post the next update by 14:30 UTC.', ...over });

function request(over: Partial<Omit<PublicationCheckRequest, 'message'>> & { message?: Message; components?: string[]; tags?: string[] } = {}): PublicationCheckRequest {
  const { components, tags, message: m, ...rest } = over;
  return {
    incident: { id: uniqueName('INC'), severity: 'SEV2', category: 'outage', tags: tags ?? [], components: components ?? ['email-delivery'] },
    message: m ?? message(),
    approvals: [],
    rootCauseConfirmed: false,
    policy,
    at,
    ...rest,
  };
}


describe('disclosure of the root cause', () => {
  const hypothesis = { statement: 'A misconfigured relay may be dropping connections.', status: 'hypothesis' as const };

  it('[M2.4, M5.6] blocks a hypothesis nobody with the disclosure right signed, and records the near miss', async () => {
    const m = message({ rootCause: hypothesis });
    // PR signed this very version, but PR does not hold the disclosure right in this playbook.
    const req = request({ message: m, approvals: [{ approver: 'Pat PR', role: 'pr', hash: m.hash }] });
    const result = await checkPublication(req);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'hypothesis-disclosure', check: 'disclosure' })]);
    expect(result.problems[0].reason).toMatch(/disclosure right/);
    const recorded = await nearMisses(h, req.incident.id);
    expect(recorded).toEqual([
      expect.objectContaining({ kind: 'hypothesis-disclosure', details: expect.objectContaining({ check: 'disclosure', version: 2, hash: req.message.hash }) }),
    ]);
  });

  it('[M2.4] publishes a hypothesis that legal signed in this exact version, and not one signed in another', async () => {
    const m = message({ rootCause: hypothesis });
    const signed = await checkPublication(request({ message: m, approvals: [{ approver: 'Lee Legal', role: 'legal', hash: m.hash }] }));
    expect(signed).toMatchObject({ ok: true, problems: [] });

    const other = request({ message: m, approvals: [{ approver: 'Lee Legal', role: 'legal', hash: localizedContentHash('older', 'wording') }] });
    const result = await checkPublication(other);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.kind)).toEqual(['hypothesis-disclosure']);
    expect((await nearMisses(h, other.incident.id)).map((n) => n.kind)).toEqual(['hypothesis-disclosure']);
  });

  it('[M2.4] blocks a message that calls the cause confirmed before the incident confirmed it', async () => {
    const m = message({ rootCause: { statement: 'A relay was misconfigured.', status: 'confirmed' } });
    const approvals = [{ approver: 'Lee Legal', role: 'legal' as const, hash: m.hash }];
    const early = await checkPublication(request({ message: m, approvals, rootCauseConfirmed: false }));
    expect(early.ok).toBe(false);
    expect(early.problems[0]).toMatchObject({ kind: 'hypothesis-disclosure', check: 'disclosure' });
    expect(early.problems[0].reason).toMatch(/has not confirmed/);
    expect((await checkPublication(request({ message: m, rootCauseConfirmed: true }))).ok).toBe(true);
  });

  it('[M2.4] lets the pre-approved holding statement through without a disclosure sign-off', async () => {
    const result = await checkPublication(request({ message: message({ rootCause: hypothesis, templateId: 'holding-statement' }), holdingStatement: true }));
    expect(result).toMatchObject({ ok: true, problems: [] });
  });
});

describe('locales of the affected audience', () => {
  const en = 'Webhooks are delayed by up to 30 minutes. Next update by 14:30 UTC.';
  const de = 'Webhooks verzögern sich um bis zu 30 Minuten. Nächstes Update bis 14:30 UTC.';
  const fr = 'Les webhooks sont retardés de 30 minutes au plus. Prochaine mise à jour à 14h30 UTC.';

  it('[M2.5, M5.6] blocks a version without the French its French readers need', async () => {
    const req = request({
      components: ['webhook-delivery'],
      message: message({ subject: 'Webhook delays', text: en, translations: { de: translation('Verzögerte Webhooks', de) } }),
    });
    const result = await checkPublication(req);
    expect(result.requiredLocales).toEqual(['de', 'en', 'fr']);
    expect(result.availableLocales).toEqual(['de', 'en']);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'blocked-publication', check: 'locales', details: expect.objectContaining({ missing: ['fr'] }) })]);
    expect(result.fallback).toBeUndefined();
    expect((await nearMisses(h, req.incident.id)).map((n) => [n.kind, n.details.check, n.details.missing])).toEqual([['blocked-publication', 'locales', ['fr']]]);
  });

  it('[M2.5] lets the playbook\'s fallback locale stand in for a missing one, and says so', async () => {
    const req = request({
      components: ['webhook-delivery'],
      policy: { ...policy, fallbackLocale: 'en' },
      message: message({ subject: 'Webhook delays', text: en, translations: { de: translation('Verzögerte Webhooks', de) } }),
    });
    const result = await checkPublication(req);
    expect(result).toMatchObject({ ok: true, problems: [], fallback: { locale: 'en', missing: ['fr'] } });
    // Nothing was stopped, so nothing was recorded (the API would answer 404: no workflow ran this incident).
    expect(await h.store.models.NearMiss.countDocuments({ incidentId: req.incident.id })).toBe(0);
  });

  it('[M2.5] publishes when every locale is present and states the same facts', async () => {
    const result = await checkPublication(request({
      components: ['webhook-delivery'],
      message: message({ subject: 'Webhook delays', text: en, translations: { de: translation('Verzögerte Webhooks', de), fr: translation('Webhooks retardés', fr) } }),
    }));
    expect(result).toMatchObject({ ok: true, problems: [], requiredLocales: ['de', 'en', 'fr'], availableLocales: ['de', 'en', 'fr'] });
    expect(result.fallback).toBeUndefined();
  });

  it('[M2.5, M5.6] stops a German version whose numbers and times disagree with the English one', async () => {
    const wrong = 'Webhooks verzögern sich um bis zu 45 Minuten. Nächstes Update bis 15:30 UTC.';
    const req = request({
      components: ['webhook-delivery'],
      message: message({ subject: 'Webhook delays', text: en, translations: { de: translation('Verzögerte Webhooks', wrong), fr: translation('Webhooks retardés', fr) } }),
    });
    const result = await checkPublication(req);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ kind: 'locale-inconsistency', check: 'consistency' });
    const disagreements = (result.problems[0].details as any).disagreements;
    expect(disagreements.map((d: any) => [d.locale, d.kind]).sort()).toEqual([['de', 'number'], ['de', 'time']]);
    expect(disagreements.find((d: any) => d.kind === 'time').values).toEqual({ en: ['14:30'], de: ['15:30'] });
    const recorded = await nearMisses(h, req.incident.id);
    expect(recorded).toEqual([expect.objectContaining({ kind: 'locale-inconsistency', details: expect.objectContaining({ check: 'consistency', reference: 'en' }) })]);
  });
});

describe('custom narratives', () => {
  it('[M2.2] blocks a custom narrative when the playbook does not allow one', async () => {
    const req = request({ message: message({ templateId: 'custom' }), policy: { ...policy, customNarratives: { allowed: false, extraApprovals: [] } } });
    const result = await checkPublication(req);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'blocked-publication', check: 'governance' })]);
    expect(result.problems[0].reason).toMatch(/does not allow custom narratives/);
    expect((await nearMisses(h, req.incident.id)).map((n) => n.details.check)).toEqual(['governance']);
  });

  it('[M2.2] needs the extra PR sign-off the playbook asks of custom text, on this exact version', async () => {
    const m = message({ templateId: 'custom' });
    const prPolicy = { ...policy, customNarratives: { allowed: true, extraApprovals: ['pr' as const] } };
    const without = await checkPublication(request({ message: m, policy: prPolicy, approvals: [{ approver: 'Lee Legal', role: 'legal', hash: m.hash }] }));
    expect(without.ok).toBe(false);
    expect(without.problems[0]).toMatchObject({ check: 'governance', details: expect.objectContaining({ missingRights: ['pr'] }) });
    const otherVersion = await checkPublication(request({ message: m, policy: prPolicy, approvals: [{ approver: 'Pat PR', role: 'pr', hash: 'another-hash' }] }));
    expect(otherVersion.ok).toBe(false);
    const withPr = await checkPublication(request({ message: m, policy: prPolicy, approvals: [{ approver: 'Pat PR', role: 'pr', hash: m.hash }] }));
    expect(withPr).toMatchObject({ ok: true, problems: [] });
  });

  it('[M2.2, M2.3] asks legal for a custom narrative in a data-exposure incident', async () => {
    const m = message({ templateId: 'custom' });
    const unsigned = await checkPublication(request({ tags: ['data-exposure'], message: m }));
    expect(unsigned.problems[0].details).toMatchObject({ missingRights: ['legal'] });
    const signed = await checkPublication(request({ tags: ['data-exposure'], message: m, approvals: [{ approver: 'Lee Legal', role: 'legal', hash: m.hash }] }));
    expect(signed.ok).toBe(true);
  });
});

describe('template governance', () => {
  /** A template in the registry with legal approval and a data-protection review expiring at `expiresAt`. */
  async function reviewedTemplate(expiresAt: string): Promise<string> {
    const templateId = uniqueName('exposure').toLowerCase();
    await saveTemplate(h.store.models, templateId, {
      category: 'data-breach', phase: 'investigating', severities: [], locale: 'en', tags: ['data-exposure'],
      subject: 'Notice about your data: {{title}}', body: 'We are investigating a possible exposure of data.\n\n{{summary}}',
      variables: [{ name: 'title', required: true }, { name: 'summary', required: true }],
    }, { author: 'Morgan Manager', at: '2019-01-01T00:00:00.000Z' });
    await recordReview(h.store.models, templateId, 1, { legal: { approvedBy: 'Lee Legal', at: '2019-01-02T00:00:00.000Z' } });
    await recordReview(h.store.models, templateId, 1, {
      dataProtection: { reviewedBy: 'Dana DPO', at: '2019-01-03T00:00:00.000Z', expiresAt, regimes: ['GDPR', 'CCPA'] },
    });
    return templateId;
  }

  it('[M5.3, M2.3, M5.6] blocks a data-exposure message from a template whose data-protection review expired by the workflow clock', async () => {
    // The review runs until 2098 by the wall clock, but the workflow's clock says 2099: it has expired.
    const templateId = await reviewedTemplate('2098-01-01T00:00:00.000Z');
    const req = request({ tags: ['data-exposure'], message: message({ templateId }), at: '2099-01-01T00:00:00.000Z' });
    const result = await checkPublication(req);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'blocked-publication', check: 'governance' })]);
    expect(result.problems[0].reason).toContain('the data-protection review expired at 2098-01-01T00:00:00.000Z');
    const recorded = await nearMisses(h, req.incident.id);
    expect(recorded).toEqual([expect.objectContaining({ kind: 'blocked-publication', details: expect.objectContaining({ check: 'governance', templateId }) })]);
  });

  it('[M2.3, M5.3] publishes a data-exposure message from a template whose review is current by the workflow clock', async () => {
    // Expired by the wall clock, current at the workflow's time.
    const templateId = await reviewedTemplate('2021-01-01T00:00:00.000Z');
    const result = await checkPublication(request({ tags: ['data-exposure'], message: message({ templateId }), at: '2020-06-01T00:00:00.000Z' }));
    expect(result).toMatchObject({ ok: true, problems: [] });
  });

  it('[M2.3, M5.3] refuses a built-in template missing from the registry for a restricted incident, and allows it otherwise', async () => {
    await h.store.models.Template.deleteOne({ templateId: 'data-breach-investigating' });
    const m = message({ templateId: 'data-breach-investigating' });
    for (const tags of [['data-exposure'], ['regulated-customer']]) {
      const result = await checkPublication(request({ tags, message: m }));
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ kind: 'blocked-publication', check: 'governance', details: expect.objectContaining({ builtin: true }) })]);
      expect(result.problems[0].reason).toMatch(/built-in template "data-breach-investigating" is not in the template registry/);
    }
    expect(await checkPublication(request({ tags: ['vip'], message: m }))).toMatchObject({ ok: true, problems: [] });
  });

  it('[M2.3, M5.3] refuses a seeded template that was never reviewed for a restricted incident', async () => {
    const result = await checkPublication(request({ tags: ['regulated-customer'], message: message({ templateId: 'generic-investigating' }) }));
    expect(result.ok).toBe(false);
    expect(result.problems[0].reason).toMatch(/no legal approval/);
  });
});

describe('near misses of the publication check', () => {
  it('[M5.6] records each problem once when the activity is retried, readable through the API', async () => {
    const m = message({
      rootCause: { statement: 'A relay may be dropping connections.', status: 'hypothesis' },
      text: 'Webhooks are delayed by up to 30 minutes.',
      translations: { de: translation('Verzögerte Webhooks', 'Webhooks verzögern sich um bis zu 40 Minuten.') },
    });
    const req = request({ components: ['webhook-delivery'], message: m });
    const first = await checkPublication(req);
    const retried = await checkPublication(req);
    expect(retried).toEqual(first);
    expect(first.problems.map((p) => p.check)).toEqual(['disclosure', 'locales', 'consistency']);

    const recorded = await nearMisses(h, req.incident.id);
    expect(recorded.map((n) => [n.kind, n.details.check]).sort()).toEqual([
      ['blocked-publication', 'locales'],
      ['hypothesis-disclosure', 'disclosure'],
      ['locale-inconsistency', 'consistency'],
    ]);
    for (const n of recorded) expect(n).toMatchObject({ at, details: { version: 2, hash: m.hash } });
    const byKind = await h.request('GET', `/v1/incidents/${req.incident.id}/near-misses?kind=locale-inconsistency`, { key: keys.manager });
    expect(byKind.body.nearMisses).toHaveLength(1);
    expect((await h.request('GET', `/v1/incidents/${req.incident.id}/near-misses`, { key: keys.responder })).status).toBe(403);
  });
});
