import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident } from '../support/incidents';
import { waitFor } from '../support/wait';

const h = harnessForFile();

const declare = () =>
  declareIncident(h, { id: uniqueName('INQ'), title: 'Payments declined', category: 'outage', severity: 'SEV3', components: ['payments'], summary: 'Some card payments are declined.' });

describe('inquiry routing to the war room', () => {
  it('[M3.2] attaches support and social inquiries to the war-room feed with personal data stripped, and answers the customer without internal notes', async () => {
    const customer = {
      customerId: 'oceanic', name: 'Oceanic Airlines', tier: 'enterprise', locale: 'en', emails: [`ops@${h.domain}`],
      phone: '+14155550123', accountManager: { name: 'Kate Austen', email: 'kate@herald.example' }, subscriptions: ['payments'],
    };
    expect((await h.request('POST', '/v1/customers', { key: keys.admin, body: customer })).status).toBe(201);
    const id = await declare();

    const support = await h.request('POST', `/v1/incidents/${id}/inquiries`, {
      key: keys.responder,
      body: {
        source: 'support',
        customerId: 'oceanic',
        text: 'Hi, this is Jack from Oceanic Airlines (jack.shephard@oceanic.example, +1 415 555 0199). Card 4111 1111 1111 1111 was declined twice. Kate Austen knows.',
        internalNote: 'Escalate to Kate Austen; customer threatened to churn. Root cause suspected in pay-gw-07.',
      },
    });
    expect(support.status).toBe(201);
    const stored = support.body;
    expect(stored.text).toBe('Hi, this is Jack from [name removed] ([email removed], [phone removed]). Card [card number removed] was declined twice. [name removed] knows.');
    expect(stored.internalNote).toBe('Escalate to [name removed]; customer threatened to churn. Root cause suspected in pay-gw-07.');
    expect(stored.redactions).toEqual({ name: 3, email: 1, phone: 1, card: 1 });
    expect(stored).toMatchObject({ incidentId: id, source: 'support', customerId: 'oceanic', receivedBy: 'Riley Responder' });

    const social = await h.request('POST', `/v1/incidents/${id}/inquiries`, {
      key: keys.responder, body: { source: 'social', text: '@someone payments broken again?? DM me at 030 5555 0123' },
    });
    expect(social.status).toBe(201);
    expect(social.body.text).toBe('@someone payments broken again?? DM me at [phone removed]');

    const feed = await h.request('GET', `/v1/incidents/${id}/war-room`, { key: keys.manager });
    expect(feed.status).toBe(200);
    expect(feed.body.inquiries.map((i: any) => i.inquiryId)).toEqual([stored.inquiryId, social.body.inquiryId]);
    const raw = JSON.stringify(await h.store.models.Inquiry.find({ incidentId: id }).lean());
    for (const secret of ['jack.shephard', '4111', '555 0199', 'Kate Austen', 'Oceanic Airlines']) expect(raw).not.toContain(secret);

    // The first update is published by the workflow; the answer quotes it and nothing from the war room.
    const response = await waitFor(
      () => h.request('GET', `/v1/incidents/${id}/inquiries/${stored.inquiryId}/response`, { key: keys.responder }),
      (r) => !!r.body?.subject?.startsWith('Re:'),
      'an answer quoting the published update',
    );
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['incidentId', 'inquiryId', 'receivedAt', 'statusPageUrl', 'subject', 'text']);
    expect(response.body.subject).toBe('Re: Payments declined');
    expect(response.text).not.toMatch(/internalNote|churn|pay-gw-07|Escalate|\[name removed\]/);
    expect(response.body.statusPageUrl).toBe(`http://status.herald.test/status#${id}`);
  });

  it('[M3.2] answers 404 for unknown incidents, customers and inquiries, 400 for bad input, 403 for other roles', async () => {
    const id = await declare();
    const ok = { source: 'email', text: 'Is it down?' };
    expect((await h.request('POST', '/v1/incidents/INC-never-declared/inquiries', { key: keys.responder, body: ok })).status).toBe(404);
    expect((await h.request('GET', '/v1/incidents/INC-never-declared/war-room', { key: keys.responder })).status).toBe(404);
    expect((await h.request('POST', `/v1/incidents/${id}/inquiries`, { key: keys.responder, body: { ...ok, customerId: 'ghost' } })).status).toBe(404);
    expect((await h.request('GET', `/v1/incidents/${id}/inquiries/inq-missing-1234/response`, { key: keys.responder })).status).toBe(404);
    const bad = await h.request('POST', `/v1/incidents/${id}/inquiries`, { key: keys.responder, body: { source: 'pigeon', text: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['source', 'text']);
    expect((await h.request('POST', `/v1/incidents/${id}/inquiries`, { key: keys.viewer, body: ok })).status).toBe(403);
    expect((await h.request('GET', `/v1/incidents/${id}/war-room`, { key: keys.viewer })).status).toBe(403);
    expect((await h.request('GET', `/v1/incidents/${id}/war-room`, { key: keys.approver })).status).toBe(403);
    const empty = await h.request('GET', `/v1/incidents/${id}/war-room`, { key: keys.responder });
    expect(empty.body).toEqual({ incidentId: id, inquiries: [] });
  });
});
