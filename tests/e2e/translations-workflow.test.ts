import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, waitForState } from '../support/incidents';

/** Translations attached to a running incident's draft (M2.5) and the confirmed root cause (M2.4), end to end. */

const h = harnessForFile();

const declare = () =>
  declareIncident(h, { id: uniqueName('INC'), title: 'Webhook delays', category: 'outage', severity: 'SEV4', components: ['webhook-delivery'], summary: 'Webhooks arrive late.' });

describe('translations of a running incident', () => {
  it('[M2.5] attaches a locale as a new version, answers the consistency at once, and refuses stale versions and the primary locale', async () => {
    const id = await declare();
    const first = await waitForState(h, id, (s) => s.currentDraft?.version === 1);
    const primary = first.currentDraft.locale ?? 'en';

    const de = { subject: 'Verzögerte Webhooks', text: first.currentDraft.text };
    const put = await h.request('PUT', `/v1/incidents/${id}/drafts/1/translations/de`, { key: keys.responder, body: de });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ version: 2, parent: 1, locale: 'de', primaryLocale: primary, locales: [primary, 'de'], consistency: { consistent: true, disagreements: [] } });

    const after = await waitForState(h, id, (s) => s.currentDraft?.version === 2);
    expect(after.currentDraft).toMatchObject({ subject: first.currentDraft.subject, text: first.currentDraft.text, author: 'Riley Responder' });
    expect(after.currentDraft.translations).toEqual({ de });
    expect(after.currentDraft.hash).not.toBe(first.currentDraft.hash);

    const read = await h.request('GET', `/v1/incidents/${id}/drafts/2/translations`, { key: keys.viewer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ incidentId: id, version: 2, hash: after.currentDraft.hash, locales: [primary, 'de'], translations: { de } });
    expect((await h.request('GET', `/v1/incidents/${id}/drafts/1/translations`, { key: keys.viewer })).status).toBe(404);

    const stale = await h.request('PUT', `/v1/incidents/${id}/drafts/1/translations/fr`, { key: keys.manager, body: { subject: 'Webhooks retardés', text: 'Les webhooks arrivent en retard.' } });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2, currentHash: after.currentDraft.hash });

    const samePrimary = await h.request('PUT', `/v1/incidents/${id}/drafts/2/translations/${primary}`, { key: keys.responder, body: de });
    expect(samePrimary.status).toBe(400);

    // A French version that states other numbers is accepted as a draft, and the drafter is told at once.
    const fr = { subject: 'Webhooks retardés', text: `${first.currentDraft.text}\n\nRetard de 45 minutes au plus.` };
    const disagreeing = await h.request('PUT', `/v1/incidents/${id}/drafts/2/translations/fr`, { key: keys.admin, body: fr });
    expect(disagreeing.status).toBe(201);
    expect(disagreeing.body).toMatchObject({ version: 3, parent: 2, locales: [primary, 'de', 'fr'], consistency: { consistent: false } });
    expect(disagreeing.body.consistency.disagreements).toEqual([expect.objectContaining({ kind: 'number', locale: 'fr' })]);
    const both = await waitForState(h, id, (s) => s.currentDraft?.version === 3);
    expect(both.currentDraft.translations).toEqual({ de, fr });
  });
});

describe('root cause', () => {
  it('[M2.4] confirms the root cause on the incident, recorded with who confirmed it', async () => {
    const id = await declare();
    await waitForState(h, id, (s) => s.currentDraft?.version === 1);
    const confirmed = await h.request('POST', `/v1/incidents/${id}/root-cause`, { key: keys.responder, body: { statement: 'A misconfigured relay dropped connections.' } });
    expect(confirmed.status).toBe(200);
    expect(Date.parse(confirmed.body.confirmedAt)).not.toBeNaN();
    const state = await waitForState(h, id, (s) => !!s.rootCause);
    expect(state.rootCause).toEqual({ statement: 'A misconfigured relay dropped connections.', confirmedBy: 'Riley Responder', confirmedAt: confirmed.body.confirmedAt });
  });
});
