import { demoApiKeys } from '../../config/api-keys';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';

/** The template registry, snippet library and lint through the HTTP API, against FerretDB. */

const h = harnessForFile({ worker: false });

const legalKey = demoApiKeys.find((k) => k.approverRoles?.length === 1 && k.approverRoles[0] === 'legal')!.key;
const dpoKey = demoApiKeys.find((k) => k.approverRoles?.includes('dpo'))!.key;

function template(extra: Record<string, unknown> = {}) {
  return {
    templateId: uniqueName('tpl').toLowerCase(),
    category: 'data-breach',
    phase: 'investigating',
    severities: ['SEV1', 'SEV2'],
    locale: 'en',
    tags: ['data-exposure'],
    subject: '[{{severity}}] {{title}}',
    body: 'We are looking into {{summary}}.\n\n{{#if nextUpdate}}Next update by {{nextUpdate}}.{{/if}}',
    variables: [
      { name: 'severity', required: true },
      { name: 'title', required: true },
      { name: 'summary', required: true },
      { name: 'nextUpdate', required: false },
    ],
    ...extra,
  };
}

describe('template registry', () => {
  it('[M2.2, M3.6] saves versions with hash, parent and author, keeps the history, diffs versions and refuses stale edits', async () => {
    const t = template();
    const created = await h.request('POST', '/v1/templates', { key: keys.manager, body: t });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ templateId: t.templateId, version: 1, author: 'Morgan Manager', review: {} });
    expect(created.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await h.request('POST', '/v1/templates', { key: keys.manager, body: t })).status).toBe(409);

    const { templateId: _id, ...fields } = t;
    const edit = { ...fields, body: 'We are looking into {{summary}}.\nYour data is being checked.\n\n{{#if nextUpdate}}Next update by {{nextUpdate}}.{{/if}}', baseVersion: 1 };
    const v2 = await h.request('PUT', `/v1/templates/${t.templateId}`, { key: keys.manager, body: edit });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, parent: 1 });
    expect(v2.body.contentHash).not.toBe(created.body.contentHash);

    const stale = await h.request('PUT', `/v1/templates/${t.templateId}`, { key: keys.manager, body: edit });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2, currentHash: v2.body.contentHash });

    const history = await h.request('GET', `/v1/templates/${t.templateId}/versions`, { key: keys.viewer });
    expect(history.body.versions.map((v: any) => [v.version, v.parent ?? null, v.author])).toEqual([[1, null, 'Morgan Manager'], [2, 1, 'Morgan Manager']]);

    const diff = await h.request('GET', `/v1/templates/${t.templateId}/diff?from=1&to=2`, { key: keys.viewer });
    expect(diff.status).toBe(200);
    expect(diff.body.body.hunks.filter((x: any) => x.kind === 'added')).toEqual([{ kind: 'added', lines: ['Your data is being checked.'], oldStart: 2, newStart: 2 }]);
    expect(diff.body.subject).toMatchObject({ added: 0, removed: 0 });
    expect((await h.request('GET', `/v1/templates/${t.templateId}/diff?from=1&to=9`, { key: keys.viewer })).status).toBe(404);

    const drafting = await h.store.models.Template.find({ phase: 'investigating', templateId: t.templateId }).lean();
    expect(drafting).toHaveLength(1);
    expect(drafting[0]).toMatchObject({ version: 2, severities: ['SEV1', 'SEV2'] });
  });

  it('[M2.2] refuses at save time a variable that is undeclared, unknown, or optional and unguarded, with 400 and the issues', async () => {
    const undeclared = await h.request('POST', '/v1/templates', { key: keys.manager, body: template({ body: 'About {{summary}} and {{impact}}.' }) });
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.issues).toEqual(expect.arrayContaining([{ path: 'body', message: 'uses "impact", which is not declared', code: 'custom' }]));
    const unknown = await h.request('POST', '/v1/templates', {
      key: keys.manager,
      body: template({ variables: [...template().variables, { name: 'customerName', required: false }] }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0]).toMatchObject({ path: 'variables.4.name' });
    const unguarded = await h.request('POST', '/v1/templates', { key: keys.manager, body: template({ body: '{{summary}} next: {{nextUpdate}}' }) });
    expect(unguarded.status).toBe(400);
    expect(unguarded.body.issues[0].message).toMatch(/must sit inside \{\{#if nextUpdate\}\}/);
    const helper = await h.request('POST', '/v1/templates', { key: keys.manager, body: template({ body: '{{summary}} {{> footer}}' }) });
    expect(helper.status).toBe(400);
  });

  it('[M2.2] previews every channel form and answers a missing required variable with 400, never a blank', async () => {
    const t = template();
    await h.request('POST', '/v1/templates', { key: keys.manager, body: t });
    const ok = await h.request('POST', `/v1/templates/${t.templateId}/preview`, {
      key: keys.responder,
      body: { variables: { severity: 'SEV1', title: 'Card data <exposure>', summary: 'a report of exposed receipts' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ subject: '[SEV1] Card data <exposure>', text: 'We are looking into a report of exposed receipts.\n\n' });
    expect(ok.body.html).toContain('<p>We are looking into a report of exposed receipts.</p>');
    expect(ok.body.html).not.toContain('Next update');
    const missing = await h.request('POST', `/v1/templates/${t.templateId}/preview`, { key: keys.responder, body: { variables: { severity: 'SEV1', title: 'x' } } });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual({ missing: ['summary'] });
  });

  it('[M5.3, M2.3] makes data-exposure incidents wait for current legal and data-protection reviews of the exact wording', async () => {
    const t = template();
    await h.request('POST', '/v1/templates', { key: keys.manager, body: t });
    const usable = () => h.request('GET', `/v1/templates/${t.templateId}/usability?tags=data-exposure`, { key: keys.responder });
    expect((await usable()).body).toMatchObject({ ok: false, reasons: ['the wording has no legal approval', 'the wording has no data-protection (GDPR/CCPA) review'] });
    expect((await h.request('GET', `/v1/templates/${t.templateId}/usability?tags=customer-facing`, { key: keys.responder })).body.ok).toBe(true);

    // The responder role may not approve; an approver without the legal right may not either.
    expect((await h.request('POST', `/v1/templates/${t.templateId}/legal-approval`, { key: keys.responder, body: { version: 1 } })).status).toBe(403);
    const prOnly = demoApiKeys.find((k) => k.roles.includes('approver') && !k.approverRoles?.includes('dpo'))!.key;
    expect((await h.request('POST', `/v1/templates/${t.templateId}/data-protection-review`, { key: prOnly, body: { version: 1, expiresAt: '2099-01-01T00:00:00Z' } })).status).toBe(403);

    expect((await h.request('POST', `/v1/templates/${t.templateId}/legal-approval`, { key: legalKey, body: { version: 1 } })).status).toBe(200);
    const past = await h.request('POST', `/v1/templates/${t.templateId}/data-protection-review`, { key: dpoKey, body: { version: 1, expiresAt: '2001-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    const dpo = await h.request('POST', `/v1/templates/${t.templateId}/data-protection-review`, { key: dpoKey, body: { version: 1, expiresAt: '2099-01-01T00:00:00Z' } });
    expect(dpo.status).toBe(200);
    expect(dpo.body.review.dataProtection).toMatchObject({ expiresAt: '2099-01-01T00:00:00.000Z', regimes: ['GDPR', 'CCPA'], contentHash: dpo.body.contentHash });
    expect((await usable()).body).toEqual({ templateId: t.templateId, version: 1, ok: true, reasons: [] });

    // New wording needs new reviews; approving an old version is a conflict.
    const { templateId: _id, ...fields } = t;
    await h.request('PUT', `/v1/templates/${t.templateId}`, { key: keys.manager, body: { ...fields, subject: 'Update: {{title}} ({{severity}})', baseVersion: 1 } });
    expect((await usable()).body).toMatchObject({ ok: false, version: 2 });
    expect((await h.request('POST', `/v1/templates/${t.templateId}/legal-approval`, { key: legalKey, body: { version: 1 } })).status).toBe(409);
  });

  it('[M2.2, M3.6] versions a seeded builtin template on its first edit, keeping the original as version 1', async () => {
    const current = await h.request('GET', '/v1/templates/generic-investigating', { key: keys.viewer });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ version: 1, author: 'herald' });
    const { templateId: _id, version: _v, contentHash: _h, review: _r, author: _a, savedAt: _s, reviewProblems: _p, ...fields } = current.body;
    const edit = await h.request('PUT', '/v1/templates/generic-investigating', {
      key: keys.admin,
      body: { ...fields, tags: [], body: `${fields.body}\n\nWe are sorry for the trouble.`, baseVersion: 1 },
    });
    expect(edit.status).toBe(200);
    const history = await h.request('GET', '/v1/templates/generic-investigating/versions', { key: keys.viewer });
    expect(history.body.versions.map((v: any) => [v.version, v.author])).toEqual([[1, 'herald'], [2, 'Ada Admin']]);
  });

  it('[M2.2] answers 403 for roles that may not edit, 404 for unknown templates and 400 for bad ids', async () => {
    expect((await h.request('POST', '/v1/templates', { key: keys.responder, body: template() })).status).toBe(403);
    expect((await h.request('POST', '/v1/templates', { key: keys.viewer, body: template() })).status).toBe(403);
    expect((await h.request('GET', '/v1/templates/no-such-template', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('PUT', '/v1/templates/no-such-template', { key: keys.manager, body: { ...template(), templateId: undefined, baseVersion: 1 } })).status).toBe(404);
    expect((await h.request('GET', '/v1/templates/Bad%20Id', { key: keys.viewer })).status).toBe(400);
    const list = await h.request('GET', '/v1/templates?phase=resolved', { key: keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.templates.length).toBeGreaterThan(0);
    expect(list.body.templates.every((t: any) => t.phase === 'resolved')).toBe(true);
    expect((await h.request('GET', '/v1/templates?phase=bogus', { key: keys.viewer })).status).toBe(400);
  });
});

describe('snippet library', () => {
  it('[M2.3] keeps pre-approved snippets: legal approval binds to wording, an edit clears it', async () => {
    const snippetId = uniqueName('snip').toLowerCase();
    const body = { snippetId, title: 'No card data', text: 'No payment card data was affected.', tags: ['data-exposure'] };
    expect((await h.request('POST', '/v1/snippets', { key: keys.responder, body })).status).toBe(403);
    const created = await h.request('POST', '/v1/snippets', { key: keys.manager, body });
    expect(created.status).toBe(201);
    expect((await h.request('POST', '/v1/snippets', { key: keys.manager, body })).status).toBe(409);
    expect((await h.request('POST', `/v1/snippets/${snippetId}/approval`, { key: legalKey, body: { version: 1 } })).status).toBe(200);
    const approved = await h.request('GET', '/v1/snippets?approved=true', { key: keys.responder });
    expect(approved.body.snippets.map((s: any) => s.snippetId)).toContain(snippetId);

    const edit = await h.request('PUT', `/v1/snippets/${snippetId}`, { key: keys.manager, body: { title: body.title, text: 'No card data was affected.', baseVersion: 1 } });
    expect(edit.status).toBe(200);
    expect(edit.body.approval).toBeUndefined();
    expect((await h.request('GET', '/v1/snippets?approved=true', { key: keys.responder })).body.snippets.map((s: any) => s.snippetId)).not.toContain(snippetId);
    expect((await h.request('PUT', `/v1/snippets/${snippetId}`, { key: keys.manager, body: { title: 't', text: 'x', baseVersion: 1 } })).status).toBe(409);

    expect((await h.request('DELETE', `/v1/snippets/${snippetId}`, { key: keys.manager })).status).toBe(204);
    expect((await h.request('GET', `/v1/snippets/${snippetId}`, { key: keys.viewer })).status).toBe(404);
    expect((await h.request('DELETE', `/v1/snippets/${snippetId}`, { key: keys.manager })).status).toBe(404);
    expect((await h.request('POST', '/v1/snippets', { key: keys.manager, body: { snippetId: 'x', title: '', text: '' } })).status).toBe(400);
  });
});

describe('lint', () => {
  it('[M2.1, M5.5] lints a draft with positions and suggestions, and shows where the gate would redact without echoing it', async () => {
    const text = 'High latency in ledgerd at 10.1.2.3 hit checkout.';
    const res = await h.request('POST', '/v1/lint', { key: keys.responder, body: { text, minReadingEase: 30 } });
    expect(res.status).toBe(200);
    expect(res.body.findings.map((f: any) => [f.kind, f.text])).toEqual([['jargon', 'latency'], ['internal-name', 'ledgerd']]);
    expect(res.body.passes).toBe(false);
    expect(res.body.formula).toBe('Flesch reading ease');
    expect(res.body.sensitive).toEqual([
      { kind: 'internal-service', start: 16, end: 23 },
      { kind: 'ip-address', start: 27, end: 35 },
    ]);
    expect(JSON.stringify(res.body.sensitive)).not.toContain('10.1.2.3');
    expect((await h.request('POST', '/v1/lint', { key: keys.viewer, body: { text } })).status).toBe(403);
    expect((await h.request('POST', '/v1/lint', { key: keys.responder, body: { text: '' } })).status).toBe(400);
  });
});
