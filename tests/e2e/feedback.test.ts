import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { declareIncident } from '../support/incidents';
import { waitFor } from '../support/wait';

/**
 * Feedback drives revisions (M6.5) through the public API on the demo data set: feedback on a
 * published message names the template version it came from; a template revision cites it and
 * goes through the review path; the unanswered report drops it; a later message records the new
 * template version.
 */
const h = harnessForFile({ data: 'demo' });

const declare = () => declareIncident(h, { id: uniqueName('FB'), title: 'Dashboard errors', category: 'outage', severity: 'SEV3', components: ['dashboard'], summary: 'Some pages fail to load.' });

const templatesOf = (id: string) =>
  waitFor(() => h.request('GET', `/v1/incidents/${id}/message-templates`, { key: keys.viewer }), (r) => r.status === 200 && r.body.versions.length > 0, `the templates of ${id}`);

describe('feedback drives template revisions', () => {
  it('[M6.5] feedback on a message → a template revision citing it (reviewed) → the unanswered report no longer lists it, and a later message records the new template version', async () => {
    const first = await declare();
    const used = (await templatesOf(first)).body.versions[0];
    expect(used).toMatchObject({ version: 1, templateId: 'outage-investigating-minor', templateVersion: 1 });

    const fb = await h.request('POST', '/v1/feedback', { key: keys.viewer, body: { incidentId: first, version: 1, confused: 'Customers did not know whether to retry.', missing: 'A workaround.' } });
    expect(fb.status).toBe(201);
    expect(fb.body).toMatchObject({ incidentId: first, version: 1, templateId: 'outage-investigating-minor', templateVersion: 1, submittedBy: 'Vic Viewer' });
    const feedbackId = fb.body.feedbackId;
    const unanswered = await h.request('GET', '/v1/feedback?unanswered=true', { key: keys.manager });
    expect(unanswered.body.feedback.map((f: any) => f.feedbackId)).toContain(feedbackId);
    expect((await h.request('POST', '/v1/feedback', { key: keys.viewer, body: { incidentId: first, version: 1 } })).status).toBe(400);
    expect((await h.request('POST', '/v1/feedback', { key: keys.viewer, body: { templateId: 'no-such-template', missing: 'x' } })).status).toBe(404);

    const current = (await h.request('GET', '/v1/templates/outage-investigating-minor', { key: keys.viewer })).body;
    const edit = {
      category: current.category, phase: current.phase, severities: current.severities, locale: current.locale, tags: current.tags, variables: current.variables,
      subject: current.subject, body: `${current.body}\n\nIf a page fails, reloading it is safe.`, baseVersion: current.version,
    };
    expect((await h.request('PUT', '/v1/templates/outage-investigating-minor', { key: keys.admin, body: { ...edit, answers: [feedbackId] } })).status).toBe(400);
    expect((await h.request('PUT', '/v1/templates/outage-investigating-minor', { key: keys.admin, body: { ...edit, answers: ['fb-unknown-1'], reason: 'x' } })).status).toBe(404);
    const revised = await h.request('PUT', '/v1/templates/outage-investigating-minor', { key: keys.admin, body: { ...edit, answers: [feedbackId], reason: 'Say that retrying is safe.' } });
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({ version: 2, parent: 1, revision: { reason: 'Say that retrying is safe.', answers: [feedbackId] }, review: {} });
    // The review path: new wording carries no review until legal approves it.
    expect((await h.request('POST', '/v1/templates/outage-investigating-minor/legal-approval', { key: keys.approver, body: { version: 2 } })).status).toBe(200);
    const history = await h.request('GET', '/v1/templates/outage-investigating-minor/versions', { key: keys.viewer });
    expect(history.body.versions.map((v: any) => [v.version, v.revision?.answers ?? []])).toEqual([[1, []], [2, [feedbackId]]]);

    const after = await h.request('GET', '/v1/feedback?unanswered=true', { key: keys.manager });
    expect(after.body.feedback.map((f: any) => f.feedbackId)).not.toContain(feedbackId);
    const all = await h.request('GET', '/v1/feedback?templateId=outage-investigating-minor', { key: keys.manager });
    expect(all.body.feedback.find((f: any) => f.feedbackId === feedbackId).answeredBy).toMatchObject({ templateId: 'outage-investigating-minor', version: 2, reason: 'Say that retrying is safe.' });

    const later = await declare();
    expect((await templatesOf(later)).body.versions[0]).toMatchObject({ version: 1, templateId: 'outage-investigating-minor', templateVersion: 2 });
    const mail = await h.mailpit.waitForIncident(later, (m) => m.length > 0);
    expect(await h.mailpit.text(mail[0].ID)).toContain('reloading it is safe');
  }, 60_000);

  it('[M6.5] a briefing of support and account management carries the way to give feedback on the messages', async () => {
    const id = await declare();
    expect((await h.request('POST', `/v1/incidents/${id}/briefings`, { key: keys.manager, body: {} })).status).toBe(202);
    const [mail] = await waitFor(() => h.mailpit.search(`subject:"Briefing #1" ${id}`), (m) => m.length > 0, `the briefing of ${id}`);
    const text = await h.mailpit.text(mail.ID);
    expect(text).toContain(`Briefing for incident ${id}`);
    expect(text).toContain('POST http://status.herald.test/v1/feedback');
    expect(text).toContain(`{"incidentId":"${id}","version":<n>`);
    expect(text).toContain(`http://status.herald.test/v1/incidents/${id}/message-templates`);
  }, 60_000);
});
