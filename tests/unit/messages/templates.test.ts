import { pageStrings } from '../../../config/page-strings';
import { statusPageView } from '../../../domain/status-page/page';
import { render } from '../../../views';
import { customNarrativeUsable, templateUsable, type TemplateReview } from '../../../domain/messages/governance';
import { checkTemplateSource, MissingVariablesError, renderDeclared, type VariableDeclaration } from '../../../domain/messages/template-schema';
import { statusSnapshot } from '../../../domain/status-page';
import { builtinTemplates, selectTemplate } from '../../../domain/messages/templates';

const vars = (...names: string[]): VariableDeclaration[] => names.map((name) => ({ name, required: true }));
const problems = (subject: string, body: string, variables: VariableDeclaration[]) => checkTemplateSource({ subject, body, variables }).map((p) => `${p.path.join('.')}: ${p.message}`);

describe('template declarations', () => {
  it('[M2.2] accepts a template that uses exactly what it declares', () => {
    expect(problems('[{{severity}}] {{title}}', '{{summary}}\n\n{{#if nextUpdate}}Next update by {{nextUpdate}}.{{/if}}', [
      ...vars('severity', 'title', 'summary'), { name: 'nextUpdate', required: false },
    ])).toEqual([]);
    for (const t of builtinTemplates) {
      const used = ['title', 'severity', 'category', 'components', 'summary', 'nextUpdate'].filter((n) => t.subject.includes(`{{${n}}}`) || t.body.includes(`{{${n}}}`));
      expect(problems(t.subject, t.body, vars(...used))).toEqual([]);
    }
  });

  it('[M2.2] refuses undeclared, unknown, unused-required and unguarded optional variables at save time', () => {
    expect(problems('{{title}}', '{{summry}}', vars('title'))).toEqual(['body: uses "summry", which is not declared']);
    expect(problems('{{title}}', 'x', vars('title', 'customerName'))).toEqual([
      'variables.1.name: Herald supplies no variable "customerName" (known: title, severity, category, components, summary, nextUpdate)',
      'variables.1: required "customerName" is never used',
    ]);
    expect(problems('{{title}}', 'x', vars('title', 'summary'))).toEqual(['variables.1: required "summary" is never used']);
    expect(problems('{{title}}', 'Next: {{nextUpdate}}', [...vars('title'), { name: 'nextUpdate', required: false }])).toEqual([
      'body: optional "nextUpdate" must sit inside {{#if nextUpdate}} so it never renders blank',
    ]);
    expect(problems('{{title}}', 'x', [...vars('title'), { name: 'title', required: true }])).toContain('variables.1.name: "title" is declared twice');
  });

  it('[M2.2] refuses helpers, partials, nested paths, raw output and broken syntax', () => {
    const declared = vars('title', 'summary');
    expect(problems('{{title}}', '{{summary}} {{{summary}}}', declared)).toEqual(['body: {{{summary}}} is not allowed; write {{summary}}']);
    expect(problems('{{title}}', '{{summary}} {{> footer}}', declared)).toEqual(['body: partials are not allowed in templates']);
    expect(problems('{{title}}', '{{summary}} {{#each summary}}x{{/each}}', declared)[0]).toMatch(/{{#each}} is not allowed/);
    expect(problems('{{title}}', '{{summary}} {{lookup summary 1}} {{../title}} {{@index}} {{summary.length}}', declared)).toHaveLength(4);
    expect(problems('{{title}}', '{{summary', declared)[0]).toMatch(/^body: does not parse/);
  });

  it('[M2.2] renders a missing required variable as an error, never a blank, and drops an absent optional one', () => {
    const t = { subject: '{{title}}', body: '{{summary}}{{#if nextUpdate}} Next: {{nextUpdate}}{{/if}}', variables: [...vars('title', 'summary'), { name: 'nextUpdate', required: false }] };
    expect(() => renderDeclared(t, { title: 'x', summary: '  ' })).toThrow(MissingVariablesError);
    expect(() => renderDeclared(t, { title: 'x' })).toThrow('missing template variables: summary');
    expect(renderDeclared(t, { title: 'x', summary: 'y' }).text).toBe('y');
    expect(renderDeclared(t, { title: 'x', summary: 'y', nextUpdate: '10:00 UTC' }).text).toBe('y Next: 10:00 UTC');
  });
});

describe('rendering one message for every channel', () => {
  const template = selectTemplate(builtinTemplates, { category: 'outage', severity: 'SEV1', phase: 'investigating' })!;
  const variables = vars('severity', 'title', 'components', 'summary', 'nextUpdate');
  const message = renderDeclared({ ...template, variables }, {
    severity: 'SEV1', title: 'Checkout <errors> & "timeouts"', components: 'Payments, Public API',
    summary: 'Payments fail for some customers.\nCard payments are affected.', nextUpdate: '10:30 UTC',
  });

  it('[M2.2] renders the plain-text email exactly, with no HTML escaping', () => {
    expect(message.subject).toBe('Service disruption: Checkout <errors> & "timeouts"');
    expect(message.text).toBe(
      'Some of our services are unavailable: Payments, Public API.\n\nPayments fail for some customers.\nCard payments are affected.\n\nOur engineers are working on it now. We will post the next update by 10:30 UTC.',
    );
  });

  it('[M2.2] renders the HTML email escaped, with paragraphs and line breaks', () => {
    expect(message.html).toBe(
      '<p>Some of our services are unavailable: Payments, Public API.</p>\n<p>Payments fail for some customers.<br>Card payments are affected.</p>\n<p>Our engineers are working on it now. We will post the next update by 10:30 UTC.</p>',
    );
    const hostile = renderDeclared({ subject: '{{title}}', body: '{{summary}}', variables: vars('title', 'summary') }, { title: 't', summary: '<script>alert(1)</script>' });
    expect(hostile.html).not.toContain('<script>');
    expect(hostile.html).toContain('&lt;script&gt;');
  });

  const entry = {
    incidentId: 'INC-render-1', version: 1, title: 'Checkout <errors> & "timeouts"', phase: 'investigating', severity: 'SEV1' as const,
    category: 'outage', components: ['payments'], subject: message.subject, body: message.text, publishedAt: new Date('2024-05-01T10:00:00Z'),
  };
  const snapshot = statusSnapshot([{ componentId: 'payments', name: 'Payments' }], [entry]);

  it('[M2.2] renders the status page with every value escaped', () => {
    const source = { components: [{ componentId: 'payments', name: 'Payments', service: 'payments' }], entries: [entry], markers: [] };
    const page = render('status', statusPageView(source, { locale: 'en', strings: pageStrings, now: new Date('2024-05-01T11:00:00Z'), path: '/status', explicit: false }));
    expect(page).toContain('>Checkout &lt;errors&gt; &amp; &quot;timeouts&quot;</a></h3>');
    expect(page).toContain('Payments fail for some customers.\nCard payments are affected.');
    expect(page).not.toContain('<errors>');
  });

  it('[M2.2] renders the status API JSON with the message text unchanged', () => {
    const json = JSON.parse(JSON.stringify(snapshot));
    expect(json.activeIncidents[0]).toMatchObject({
      id: 'INC-render-1', title: 'Checkout <errors> & "timeouts"', impact: 'critical',
      updates: [{ version: 1, phase: 'investigating', subject: message.subject, body: message.text, publishedAt: '2024-05-01T10:00:00.000Z' }],
    });
    expect(json.components).toEqual([{ id: 'payments', name: 'Payments', status: 'major_outage' }]);
  });
});

describe('template governance', () => {
  const now = new Date('2024-06-01T00:00:00Z');
  const hash = 'h1';
  const current: TemplateReview = {
    legal: { approvedBy: 'Lee Legal', at: '2024-05-01T00:00:00Z', contentHash: hash },
    dataProtection: { reviewedBy: 'Dana DPO', at: '2024-05-01T00:00:00Z', expiresAt: '2024-11-01T00:00:00Z', contentHash: hash, regimes: ['GDPR', 'CCPA'] },
  };

  it('[M2.3, M5.3] lets ordinary incidents use any template', () => {
    expect(templateUsable({ contentHash: hash }, { tags: ['customer-facing'], now })).toEqual({ ok: true, reasons: [] });
  });

  it('[M2.3, M5.3] lets data-exposure and regulated-customer incidents publish only from currently reviewed wording', () => {
    const tags = ['data-exposure'];
    expect(templateUsable({ contentHash: hash, review: current }, { tags, now })).toEqual({ ok: true, reasons: [] });
    expect(templateUsable({ contentHash: hash }, { tags: ['regulated-customer'], now }).reasons).toEqual([
      'the wording has no legal approval', 'the wording has no data-protection (GDPR/CCPA) review',
    ]);
    expect(templateUsable({ contentHash: 'h2', review: current }, { tags, now }).reasons).toEqual([
      'the legal approval is for other wording', 'the data-protection review is for other wording',
    ]);
    expect(templateUsable({ contentHash: hash, review: current }, { tags, now: '2024-11-01T00:00:00Z' }).reasons).toEqual([
      'the data-protection review expired at 2024-11-01T00:00:00Z',
    ]);
  });

  it('[M5.3] a data-protection review counts until the instant it expires, never after, and never for wording it did not see', () => {
    const tags = ['regulated-customer'];
    expect(templateUsable({ contentHash: hash, review: current }, { tags, now: '2024-10-31T23:59:59.999Z' }).ok).toBe(true);
    expect(templateUsable({ contentHash: hash, review: current }, { tags, now: '2024-11-01T00:00:00.001Z' }).reasons).toEqual([
      'the data-protection review expired at 2024-11-01T00:00:00Z',
    ]);
    // Renewing the review with a later expiry makes the same wording usable again.
    const renewed: TemplateReview = { ...current, dataProtection: { ...current.dataProtection!, at: '2024-11-02T00:00:00Z', expiresAt: '2025-05-01T00:00:00Z' } };
    expect(templateUsable({ contentHash: hash, review: renewed }, { tags, now: '2024-12-01T00:00:00Z' }).ok).toBe(true);
    expect(templateUsable({ contentHash: 'edited', review: renewed }, { tags, now: '2024-12-01T00:00:00Z' }).ok).toBe(false);
  });

  it('[M2.2, M2.3] allows a custom narrative only as the playbook says, with legal approval of the exact version when restricted', () => {
    const policy = { allowed: true, extraApprovals: ['pr'] };
    const pr = { approver: 'Pat', rights: ['pr'], versionHash: 'v1' };
    const legal = { approver: 'Lee', rights: ['legal'], versionHash: 'v1' };
    expect(customNarrativeUsable({ tags: [], policy: { allowed: false, extraApprovals: [] }, approvals: [], versionHash: 'v1' })).toMatchObject({ ok: false, reasons: ['the playbook does not allow custom narratives'] });
    expect(customNarrativeUsable({ tags: [], policy, approvals: [pr], versionHash: 'v1' })).toEqual({ ok: true, reasons: [], missingRights: [] });
    expect(customNarrativeUsable({ tags: ['data-exposure'], policy, approvals: [pr], versionHash: 'v1' })).toMatchObject({ ok: false, missingRights: ['legal'] });
    expect(customNarrativeUsable({ tags: ['data-exposure'], policy, approvals: [pr, { ...legal, versionHash: 'v0' }], versionHash: 'v1' }).missingRights).toEqual(['legal']);
    expect(customNarrativeUsable({ tags: ['data-exposure'], policy, approvals: [pr, legal], versionHash: 'v1' }).ok).toBe(true);
  });
});
