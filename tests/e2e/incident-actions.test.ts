import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, waitForState } from '../support/incidents';

const h = harnessForFile();

/** Every incident action route, the roles it documents, and a body it accepts. */
const actions: { path: string; roles: string[]; body: unknown }[] = [
  { path: 'drafts', roles: ['responder'], body: { baseVersion: 1, subject: 'Checkout API errors', text: 'We are on it.' } },
  { path: 'publish', roles: ['responder'], body: { version: 1 } },
  { path: 'roles', roles: ['manager', 'responder'], body: { role: 'drafter', person: 'dana@herald.example' } },
  { path: 'handoffs', roles: ['responder', 'manager'], body: { to: 'morgan@herald.example', notes: 'Taking a break.' } },
  { path: 'handoffs/acknowledge', roles: ['responder', 'manager'], body: {} },
  { path: 'decisions', roles: ['responder', 'manager'], body: { what: 'Say less', why: 'Unconfirmed' } },
  { path: 'blackouts', roles: ['responder', 'manager'], body: { minutes: 10, reason: 'call' } },
  { path: 'blackouts/end', roles: ['responder', 'manager'], body: {} },
  { path: 'classification', roles: ['responder', 'manager'], body: { customersAffected: 1 } },
  { path: 'internal-updates', roles: ['responder', 'manager'], body: { level: 'internal', summary: 'x' } },
  { path: 'briefings', roles: ['responder', 'manager'], body: {} },
  { path: 'reviews', roles: ['responder', 'manager'], body: { version: 1, verdict: 'accurate' } },
];

async function declare(severity: string, extra: Record<string, unknown> = {}) {
  const body = {
    id: uniqueName('INC'),
    title: `Checkout API errors ${uniqueName('t')}`,
    category: 'outage',
    severity,
    components: ['api'],
    summary: 'Some requests to the API fail with errors.',
    ...extra,
  };
  await declareIncident(h, body);
  return body;
}

describe('incident actions over HTTP', () => {
  it('[M4.4, M4.5, M4.6] refuses every action to a viewer or an approver-only key and to an unknown incident', async () => {
    const { id } = await declare('SEV4');
    await waitForState(h, id, (s) => s.status === 'published');
    for (const a of actions) {
      for (const key of [keys.viewer, keys.approver]) {
        const res = await h.request('POST', `/v1/incidents/${id}/${a.path}`, { key, body: a.body });
        expect([a.path, res.status]).toEqual([a.path, 403]);
      }
      expect((await h.request('POST', `/v1/incidents/${id}/${a.path}`, { body: a.body })).status).toBe(401);
      expect((await h.request('POST', `/v1/incidents/INC-never-declared/${a.path}`, { key: keys.manager, body: a.body })).status).toBe(404);
    }
    // Nothing a refused caller sent reached the incident.
    const state = await waitForState(h, id, () => true);
    expect(state.currentDraft.version).toBe(1);
    expect(state.decisions).toEqual([]);
    expect(state.blackout).toBeUndefined();
  });

  it('[M3.6, M4.5] drafts, decisions and publication: 400 for bad bodies, 409 with the current version for a stale base', async () => {
    const { id } = await declare('SEV4');
    await waitForState(h, id, (s) => s.status === 'published');
    const bad = await h.request('POST', `/v1/incidents/${id}/drafts`, { key: keys.responder, body: { baseVersion: 0, subject: 'x', text: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['baseVersion', 'subject', 'text']);

    const decision = await h.request('POST', `/v1/incidents/${id}/decisions`, { key: keys.manager, body: { what: 'Do not name the vendor', why: 'Contract' } });
    expect(decision.status).toBe(201);
    expect(decision.body).toMatchObject({ id: 'D1', what: 'Do not name the vendor', why: 'Contract', by: 'Morgan Manager', linkedVersions: [] });
    expect((await h.request('POST', `/v1/incidents/${id}/decisions`, { key: keys.manager, body: { what: '' } })).status).toBe(400);

    const unknownDecision = await h.request('POST', `/v1/incidents/${id}/drafts`, {
      key: keys.responder, body: { baseVersion: 1, subject: 'Checkout API: identified', text: 'A bad deploy.', decisionIds: ['D7'] },
    });
    expect(unknownDecision.status).toBe(400);
    expect(unknownDecision.body.message).toBe('unknown decisions: D7');

    const edit = await h.request('POST', `/v1/incidents/${id}/drafts`, {
      key: keys.responder, body: { baseVersion: 1, subject: 'Checkout API: identified', text: 'A bad deploy; rolling back.', phase: 'identified', decisionIds: ['D1'] },
    });
    expect(edit.status).toBe(201);
    expect(edit.body).toMatchObject({ version: 2, parent: 1 });
    const stale = await h.request('POST', `/v1/incidents/${id}/drafts`, { key: keys.responder, body: { baseVersion: 1, subject: 'Racing edit', text: 'Too late.' } });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2, currentHash: edit.body.hash });

    expect((await h.request('POST', `/v1/incidents/${id}/publish`, { key: keys.responder, body: { version: 'two' } })).status).toBe(400);
    const stalePublish = await h.request('POST', `/v1/incidents/${id}/publish`, { key: keys.responder, body: { version: 1 } });
    expect(stalePublish.status).toBe(409);
    expect(stalePublish.body.details.currentVersion).toBe(2);
    const publish = await h.request('POST', `/v1/incidents/${id}/publish`, { key: keys.responder, body: { version: 2 } });
    expect(publish.status).toBe(202);
    expect(publish.body).toEqual({ version: 2, status: 'publishing' });
    const published = await waitForState(h, id, (s) => s.published.some((p: any) => p.version === 2));
    expect(published.decisions).toEqual([expect.objectContaining({ id: 'D1', linkedVersions: [2] })]);
    expect((await h.request('POST', `/v1/incidents/${id}/publish`, { key: keys.responder, body: { version: 2 } })).status).toBe(409);

    const staleReview = await h.request('POST', `/v1/incidents/${id}/reviews`, { key: keys.responder, body: { version: 1, verdict: 'accurate' } });
    expect(staleReview.status).toBe(409);
    expect((await h.request('POST', `/v1/incidents/${id}/reviews`, { key: keys.responder, body: { version: 2, verdict: 'great' } })).status).toBe(400);
    const review = await h.request('POST', `/v1/incidents/${id}/reviews`, { key: keys.responder, body: { version: 2, verdict: 'accurate' } });
    expect(review.status).toBe(201);
    expect(review.body).toEqual({ recorded: true });
    expect((await waitForState(h, id, (s) => s.reviews.length === 1)).reviews[0]).toMatchObject({ version: 2, reviewer: 'riley@herald.example', verdict: 'accurate' });
  });

  it('[M4.4] roles and handoffs: the recipient acknowledges, anyone else is refused, and there is nothing to acknowledge twice', async () => {
    const { id } = await declare('SEV4');
    await waitForState(h, id, (s) => s.status === 'published');
    expect((await h.request('POST', `/v1/incidents/${id}/roles`, { key: keys.manager, body: { role: 'drafter', person: 'not-an-email' } })).status).toBe(400);
    expect((await h.request('POST', `/v1/incidents/${id}/roles`, { key: keys.manager, body: { role: 'janitor', person: 'dana@herald.example' } })).status).toBe(400);
    const role = await h.request('POST', `/v1/incidents/${id}/roles`, { key: keys.manager, body: { role: 'drafter', person: 'dana@herald.example' } });
    expect(role.status).toBe(200);
    expect(role.body).toEqual({ role: 'drafter', people: ['dana@herald.example'] });

    const nothing = await h.request('POST', `/v1/incidents/${id}/handoffs/acknowledge`, { key: keys.manager, body: {} });
    expect(nothing.status).toBe(409);
    expect(nothing.body.message).toBe('no handoff is waiting');
    expect((await h.request('POST', `/v1/incidents/${id}/handoffs`, { key: keys.responder, body: { to: 'morgan', notes: 'x' } })).status).toBe(400);
    expect((await h.request('POST', `/v1/incidents/${id}/handoffs`, { key: keys.responder, body: { to: 'morgan@herald.example', notes: '' } })).status).toBe(400);

    const handoff = await h.request('POST', `/v1/incidents/${id}/handoffs`, { key: keys.responder, body: { to: 'morgan@herald.example', notes: 'v1 is out; legal wants to see the next one.' } });
    expect(handoff.status).toBe(202);
    expect(Date.parse(handoff.body.acknowledgeBy) - Date.now()).toBeGreaterThan(14 * 60_000);
    const pending = await h.request('POST', `/v1/incidents/${id}/handoffs`, { key: keys.responder, body: { to: 'ada@herald.example', notes: 'me instead' } });
    expect(pending.status).toBe(409);
    expect(pending.body.message).toBe('a handoff to morgan@herald.example is waiting for acknowledgement');
    const impostor = await h.request('POST', `/v1/incidents/${id}/handoffs/acknowledge`, { key: keys.responder, body: {} });
    expect(impostor.status).toBe(403);
    expect(impostor.body.message).toBe('only morgan@herald.example can acknowledge this handoff');

    const ack = await h.request('POST', `/v1/incidents/${id}/handoffs/acknowledge`, { key: keys.manager, body: {} });
    expect(ack.status).toBe(200);
    expect(ack.body.lead).toBe('morgan@herald.example');
    expect(ack.body.movedDeadlines).toBeGreaterThanOrEqual(3);
    expect((await h.request('POST', `/v1/incidents/${id}/handoffs/acknowledge`, { key: keys.manager, body: {} })).status).toBe(409);
    const toSelf = await h.request('POST', `/v1/incidents/${id}/handoffs`, { key: keys.manager, body: { to: 'morgan@herald.example', notes: 'to myself' } });
    expect(toSelf.status).toBe(409);
    const state = await waitForState(h, id, (s) => s.handoffs.length === 1);
    expect(state.roles['communication-lead']).toEqual(['morgan@herald.example']);
    expect(state.roles.drafter).toEqual(['dana@herald.example']);
    expect(state.handoffs[0]).toMatchObject({ from: 'comms-lead@herald.internal', to: 'morgan@herald.example', notes: 'v1 is out; legal wants to see the next one.' });
  });

  it('[M4.6, M1.2, M4.1, M4.2] blackouts, classification, internal updates and briefings answer with their status codes', async () => {
    const { id } = await declare('SEV4');
    await waitForState(h, id, (s) => s.status === 'published');
    expect((await h.request('POST', `/v1/incidents/${id}/blackouts`, { key: keys.responder, body: { minutes: 0, reason: 'x' } })).status).toBe(400);
    const tooLong = await h.request('POST', `/v1/incidents/${id}/blackouts`, { key: keys.responder, body: { minutes: 90, reason: 'long call' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toBe('a blackout may last at most 60 minutes');
    const endNone = await h.request('POST', `/v1/incidents/${id}/blackouts/end`, { key: keys.responder, body: {} });
    expect(endNone.status).toBe(409);

    const blackout = await h.request('POST', `/v1/incidents/${id}/blackouts`, { key: keys.responder, body: { minutes: 20, reason: 'Board call' } });
    expect(blackout.status).toBe(201);
    expect(Math.abs(Date.parse(blackout.body.until) - (Date.now() + 20 * 60_000))).toBeLessThan(10_000);
    expect((await h.request('POST', `/v1/incidents/${id}/blackouts`, { key: keys.responder, body: { minutes: 20, reason: 'again' } })).status).toBe(409);

    expect((await h.request('POST', `/v1/incidents/${id}/internal-updates`, { key: keys.responder, body: { level: 'board', summary: 'x' } })).status).toBe(400);
    const update = await h.request('POST', `/v1/incidents/${id}/internal-updates`, { key: keys.responder, body: { level: 'internal', summary: 'Rollback under way.' } });
    expect(update.status).toBe(202);
    expect(update.body).toEqual({ queued: true });
    const briefing = await h.request('POST', `/v1/incidents/${id}/briefings`, { key: keys.manager, body: {} });
    expect(briefing.status).toBe(202);
    const held = await waitForState(h, id, (s) => s.held.length === 3);
    expect(held.held.map((x: any) => x.kind)).toEqual(['notice', 'notice', 'briefing']);

    const ended = await h.request('POST', `/v1/incidents/${id}/blackouts/end`, { key: keys.responder, body: {} });
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ released: 3 });
    expect((await waitForState(h, id, (s) => s.briefings === 1)).held).toEqual([]);

    expect((await h.request('POST', `/v1/incidents/${id}/classification`, { key: keys.responder, body: { severity: 'SEV9' } })).status).toBe(400);
    expect((await h.request('POST', `/v1/incidents/${id}/classification`, { key: keys.responder, body: { addTags: ['Not A Tag'] } })).status).toBe(400);
    const many = await h.request('POST', `/v1/incidents/${id}/classification`, { key: keys.responder, body: { customersAffected: 60 } });
    expect(many.status).toBe(200);
    expect(many.body).toEqual({ severity: 'SEV4', tags: [], requiredApprovers: ['pr'] });
  });

  it('[M1.1] an incident on the email-delivery component sends customers to the status page instead, and audits the fallback', async () => {
    const { id } = await declare('SEV4', { components: ['email-delivery'] });
    const state = await waitForState(h, id, (s) => s.status === 'published');
    const customers = state.published[0].channels.find((c: any) => c.audience === 'customers');
    expect(customers).toEqual({ audience: 'customers', channel: 'status-page', fellBack: true, reason: 'email depends on "email-delivery", which this incident affects' });
    expect(state.published[0].emailRecipients).toBe(0);

    const audit = await h.request('GET', `/v1/incidents/${id}/audit`, { key: keys.manager });
    expect(audit.status).toBe(200);
    const steps = audit.body.records.map((r: any) => `${r.step}${r.details.channel ? `:${r.details.channel}` : ''}`);
    expect(steps.slice(0, 4)).toEqual(['declared', 'drafted', 'published:status-page', 'channel-fallback:status-page']);
    expect(steps).not.toContain('published:email');
    expect(audit.body.records.find((r: any) => r.step === 'channel-fallback').details).toEqual({
      audience: 'customers', channel: 'status-page', reason: 'email depends on "email-delivery", which this incident affects',
    });
  });
});

describe('the OpenAPI document', () => {
  it('[M4.4, M4.6] lists every incident action with its roles and its 400/403/404/409 answers', async () => {
    const res = await h.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    for (const a of actions) {
      const op = res.body.paths[`/v1/incidents/{id}/${a.path}`]?.post;
      expect([a.path, op?.['x-roles']]).toEqual([a.path, a.roles]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409']));
      expect(op.requestBody.content['application/json'].schema).toBeDefined();
    }
    expect(res.body.paths['/v1/incidents/{id}/blackouts'].post.requestBody.content['application/json'].schema.properties.minutes.type).toBe('integer');
  });
});
