import { verifyChain } from '../../domain/audit';
import { workflowIdFor } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { waitForAudit, waitForState } from '../support/incidents';

const h = harnessForFile();

function declaration(severity: string, extra: Record<string, unknown> = {}) {
  return {
    id: uniqueName('INC'),
    title: 'Checkout API errors',
    category: 'outage',
    severity,
    components: ['api'],
    summary: 'Some requests to the API fail with errors.',
    ...extra,
  };
}

describe('one incident end to end through the HTTP API', () => {
  it('[M1.6, M7.6] declares a SEV3, emails exactly the affected subscribers, shows it on the status page, audits every step, and resolves', async () => {
    const body = declaration('SEV3');
    const declared = await h.request('POST', '/v1/incidents', { key: keys.responder, body });
    expect(declared.status).toBe(201);
    expect(declared.body).toEqual({ incidentId: body.id, workflowId: workflowIdFor(body.id), status: 'declared' });

    const first = await h.mailpit.waitFor(h.domain, (m) => m.length >= 3);
    // v1's last record: it is out on every channel (its email broadcast returned before), so nothing
    // more comes of it, and what the resolution records follows.
    await waitForAudit(h, body.id, 'channels-delivered', { version: 1 });
    const afterFirst = await h.mailpit.toDomain(h.domain);
    expect(afterFirst.map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.apiSubscribers);
    expect(first[0].Subject).toContain('Checkout API errors');
    const headers = await h.mailpit.headers(first[0].ID);
    expect(headers['X-Herald-Incident-Id']).toEqual([body.id]);
    expect(headers['X-Herald-Severity']).toEqual(['SEV3']);
    expect(headers['X-Herald-Category']).toEqual(['outage']);
    expect(headers['X-Herald-Message-Version']).toEqual(['1']);
    expect(headers['List-Unsubscribe']?.[0]).toMatch(/^<http/);

    const state = await waitForState(h, body.id, (s) => s.status === 'published');
    expect(state.published).toHaveLength(1);
    expect(state.published[0].emailRecipients).toBe(3);

    const status = await h.request('GET', '/v1/status', { key: keys.viewer });
    expect(status.status).toBe(200);
    const active = status.body.activeIncidents.find((i: any) => i.id === body.id);
    expect(active).toMatchObject({ title: body.title, impact: 'minor', phase: 'investigating' });
    expect(status.body.components.find((c: any) => c.id === 'api').status).toBe('degraded_performance');
    const page = await h.request('GET', '/status');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Checkout API errors');

    const resolved = await h.request('POST', `/v1/incidents/${body.id}/resolve`, {
      key: keys.responder,
      body: { summary: 'A faulty deploy was rolled back; the API is healthy again.' },
    });
    expect(resolved.status).toBe(202);
    const final = await h.client.workflow.getHandle(workflowIdFor(body.id)).result();
    expect(final.status).toBe('resolved');

    const all = await h.mailpit.waitFor(h.domain, (m) => m.length >= 6);
    const resolution = all.filter((m) => m.Subject.startsWith('Resolved:'));
    expect(resolution.map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.apiSubscribers);

    const after = await h.request('GET', '/v1/status', { key: keys.viewer });
    expect(after.body.activeIncidents.find((i: any) => i.id === body.id)).toBeUndefined();
    expect(after.body.recentIncidents.find((i: any) => i.id === body.id)).toMatchObject({ phase: 'resolved' });

    const audit = await h.request('GET', `/v1/incidents/${body.id}/audit`, { key: keys.manager });
    expect(audit.status).toBe(200);
    const steps = audit.body.records.map((r: any) => `${r.step}${r.details.channel ? `:${r.details.channel}` : ''}`);
    expect(steps).toEqual([
      'declared', 'drafted', 'published:status-page', 'published:email', 'outreach', 'channels-delivered',
      'drafted', 'published:status-page', 'published:email', 'outreach', 'channels-delivered', 'resolved',
    ]);
    expect(audit.body.verdict).toEqual({ valid: true, records: 12 });
    expect(verifyChain(audit.body.records).valid).toBe(true);

    const history = await h.request('GET', `/v1/incidents/${body.id}/history`, { key: keys.manager });
    expect(history.status).toBe(200);
    const descriptions: string[] = history.body.events.map((e: any) => e.description);
    expect(descriptions[0]).toBe('Incident workflow started (incidentWorkflow)');
    expect(descriptions).toContain('Accepted "resolve" request');
    // Short steps run in the worker and are recorded as markers; the email batch is a scheduled activity.
    expect(descriptions).toContain('Step "publishStatusPage" completed (run in the worker)');
    // A new incident carries the markers of the patches since the release baseline, and only those (README, "Workflow changes and replay").
    expect(descriptions.filter((d: string) => d.startsWith('Code version marker')).sort()).toEqual(
      ['email-outcomes-audited', 'post-incident-survey', 'recurrence-detection', 'regulatory-clocks'].map((id) => `Code version marker "${id}"`),
    );
    expect(descriptions).toContain('Scheduled step "sendEmailBatch"');
    expect(descriptions.at(-1)).toBe('Incident workflow completed');
  });

  it('[M5.2, M3.6] holds a SEV1 until every required approver signs the current version, then publishes it once', async () => {
    const body = declaration('SEV1');
    expect((await h.request('POST', '/v1/incidents', { key: keys.responder, body })).status).toBe(201);
    const waiting = await waitForState(h, body.id, (s) => s.status === 'awaiting-approval');
    expect(waiting.currentDraft.version).toBe(1);
    expect(waiting.requiredApprovers).toEqual(['pr', 'executive']);

    const stale = await h.request('POST', `/v1/incidents/${body.id}/approvals`, { key: keys.approver, body: { version: 2 } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/not the current version/);
    const wrongHash = await h.request('POST', `/v1/incidents/${body.id}/approvals`, {
      key: keys.approver, body: { version: 1, hash: 'f'.repeat(64) },
    });
    expect(wrongHash.status).toBe(409);
    expect(wrongHash.body.message).toMatch(/does not match the current wording of version 1/);
    expect((await h.request('POST', `/v1/incidents/${body.id}/approvals`, { key: keys.responder, body: { version: 1 } })).status).toBe(403);
    const legalOnly = await h.request('POST', `/v1/incidents/${body.id}/approvals`, { key: keys.legal, body: { version: 1 } });
    expect(legalOnly.status).toBe(403);
    expect(legalOnly.body.message).toMatch(/none of your approver roles \(legal\) is pending/);

    const pr = await h.request('POST', `/v1/incidents/${body.id}/approvals`, {
      key: keys.approver, body: { version: 1, hash: waiting.currentDraft.hash, as: 'pr' },
    });
    expect(pr.status).toBe(200);
    expect(pr.body).toMatchObject({ version: 1, hash: waiting.currentDraft.hash, role: 'pr', approvedBy: 'Avery Approver', pending: ['executive'] });
    expect((await h.request('GET', `/v1/incidents/${body.id}`, { key: keys.viewer })).body.status).toBe('awaiting-approval');
    const exec = await h.request('POST', `/v1/incidents/${body.id}/approvals`, { key: keys.approver, body: { version: 1, hash: waiting.currentDraft.hash } });
    expect(exec.body).toMatchObject({ role: 'executive', pending: [] });

    await waitForState(h, body.id, (s) => s.status === 'published');
    const again = await h.request('POST', `/v1/incidents/${body.id}/approvals`, { key: keys.approver, body: { version: 1 } });
    expect(again.status).toBe(409);

    const msgs = await h.mailpit.waitFor(h.domain, (m) => m.filter((x) => x.MessageID.includes(body.id)).length >= 3);
    expect(msgs.filter((m) => m.MessageID.includes(body.id)).map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.apiSubscribers);

    const audit = await h.request('GET', `/v1/incidents/${body.id}/audit`, { key: keys.manager });
    const steps = audit.body.records.map((r: any) => r.step).filter((x: string) => ['declared', 'drafted', 'approved', 'published'].includes(x));
    expect(steps).toEqual(['declared', 'drafted', 'approved', 'approved', 'published', 'published']);
    const approvals = audit.body.records.filter((r: any) => r.step === 'approved');
    expect(approvals.map((r: any) => [r.actor, r.details.role, r.details.hash])).toEqual([
      ['Avery Approver', 'pr', waiting.currentDraft.hash],
      ['Avery Approver', 'executive', waiting.currentDraft.hash],
    ]);
    expect(audit.body.verdict.valid).toBe(true);
  });
});

describe('drafts and versions over HTTP', () => {
  it('[M3.6] edits the draft as a new version, refuses an edit of a stale base with the current version, and diffs two versions', async () => {
    const body = declaration('SEV4');
    expect((await h.request('POST', '/v1/incidents', { key: keys.responder, body })).status).toBe(201);
    const first = await waitForState(h, body.id, (s) => s.status === 'published');
    const edit = await h.request('POST', `/v1/incidents/${body.id}/drafts`, {
      key: keys.responder,
      body: { baseVersion: 1, subject: 'Checkout API errors: identified', text: `${first.currentDraft.text.split('\n')[0]}\n\nWe found the cause and are rolling back.`, phase: 'identified' },
    });
    expect(edit.status).toBe(201);
    expect(edit.body).toMatchObject({ version: 2, parent: 1, voidedApprovals: 0 });
    const stale = await h.request('POST', `/v1/incidents/${body.id}/drafts`, {
      key: keys.responder, body: { baseVersion: 1, subject: 'Another edit', text: 'Racing edit.' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2, currentHash: edit.body.hash });
    const diff = await h.request('GET', `/v1/incidents/${body.id}/diff`, { key: keys.viewer });
    expect(diff.status).toBe(200);
    expect(diff.body.from.version).toBe(1);
    expect(diff.body.to.version).toBe(2);
    expect(diff.body.text.hunks.filter((x: any) => x.kind === 'added').flatMap((x: any) => x.lines)).toContain('We found the cause and are rolling back.');
    expect(diff.body.text.unchanged).toBeGreaterThanOrEqual(1);
    expect((await h.request('GET', `/v1/incidents/${body.id}/diff?from=1&to=9`, { key: keys.viewer })).status).toBe(404);
  });
});

describe('the API refuses bad requests clearly', () => {
  it('answers 409 when the same client-supplied incident ID is declared twice', async () => {
    const body = declaration('SEV4');
    expect((await h.request('POST', '/v1/incidents', { key: keys.responder, body })).status).toBe(201);
    const dup = await h.request('POST', '/v1/incidents', { key: keys.responder, body });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('conflict');
  });

  it('answers 400 with the validation issues', async () => {
    const res = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { title: 'x', category: 'volcano', severity: 'SEV9', components: [] },
    });
    expect(res.status).toBe(400);
    const paths = res.body.issues.map((i: any) => i.path).sort();
    expect(paths).toEqual(['category', 'components', 'severity', 'summary', 'title']);
    const unknownComponent = await h.request('POST', '/v1/incidents', { key: keys.responder, body: declaration('SEV3', { components: ['api', 'warp-drive'] }) });
    expect(unknownComponent.status).toBe(400);
    expect(unknownComponent.body.issues).toEqual([expect.objectContaining({ path: 'components.1', message: 'unknown component "warp-drive"' })]);
    const badJson = await h.request('POST', '/v1/incidents', { key: keys.responder, body: '{"title": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.text).not.toMatch(/at .*\.ts/);
  });

  it('answers 401 without a key, 403 for a role that may not act, 404 for unknown incidents and routes', async () => {
    expect((await h.request('POST', '/v1/incidents', { body: declaration('SEV3') })).status).toBe(401);
    expect((await h.request('POST', '/v1/incidents', { key: 'nope-nope-nope-nope', body: declaration('SEV3') })).status).toBe(401);
    expect((await h.request('POST', '/v1/incidents', { key: keys.viewer, body: declaration('SEV3') })).status).toBe(403);
    expect((await h.request('GET', '/v1/incidents/INC-does-not-exist/history', { key: keys.viewer })).status).toBe(403);
    expect((await h.request('GET', '/v1/incidents/INC-does-not-exist', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/incidents/INC-does-not-exist/history', { key: keys.manager })).status).toBe(404);
    expect((await h.request('POST', '/v1/incidents/INC-does-not-exist/approvals', { key: keys.approver, body: { version: 1 } })).status).toBe(404);
    expect((await h.request('POST', '/v1/incidents/INC-does-not-exist/resolve', { key: keys.responder, body: { summary: 'x' } })).status).toBe(404);
    expect((await h.request('GET', '/v1/incidents/bad%20id!', { key: keys.viewer })).status).toBe(400);
    expect((await h.request('GET', '/v1/nothing-here', { key: keys.viewer })).status).toBe(404);
  });
});

describe('system routes', () => {
  it('reports Temporal, MongoDB and SMTP reachability', async () => {
    const res = await h.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, temporal: { ok: true }, mongodb: { ok: true }, smtp: { ok: true } });
  });

  it('serves an OpenAPI 3.1 document generated from the route table, covering every route', async () => {
    const res = await h.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const { allRoutes } = await import('../../api/app');
    for (const r of allRoutes(() => ({}))) {
      const p = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(res.body.paths[p]?.[r.method]).toBeDefined();
    }
    const declare = res.body.paths['/v1/incidents'].post;
    expect(declare.requestBody.content['application/json'].schema.properties.severity.enum).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(declare['x-roles']).toEqual(['responder']);
  });
});
