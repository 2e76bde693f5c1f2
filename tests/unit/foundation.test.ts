import { affectedAudience, emailRecipients } from '../../domain/audience';
import { firstMessageDeadlineMinutes, requiresApproval, workflowIdFor, IncidentDeclarationSchema } from '../../domain/incident';
import { deliveryKey, messageIdFor, metadataHeaders } from '../../domain/messages';
import { contentHash, renderTemplate } from '../../domain/messages/render';
import { statusSnapshot } from '../../domain/status-page';
import { builtinTemplates, selectTemplate, type MessageTemplate } from '../../domain/messages/templates';

describe('incident rules', () => {
  it('[M5.2] SEV1 and SEV2 need approval; SEV3 and SEV4 publish at once', () => {
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((s) => requiresApproval(s as never))).toEqual([true, true, false, false]);
  });

  it('[M1.5] the first external message of a SEV1 is due within 15 minutes of detection', () => {
    expect(firstMessageDeadlineMinutes.SEV1).toBe(15);
    expect(firstMessageDeadlineMinutes.SEV2).toBeLessThan(firstMessageDeadlineMinutes.SEV3);
  });

  it('derives one workflow ID per incident ID', () => {
    expect(workflowIdFor('INC-42')).toBe('incident-INC-42');
  });

  it('validates a declaration and names every bad field', () => {
    const bad = IncidentDeclarationSchema.safeParse({ id: '../etc', title: '', category: 'x', severity: 'SEV0', components: [], summary: '' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['category', 'components', 'id', 'severity', 'summary', 'title']);
  });
});

describe('audience', () => {
  it('[M1.4] emails only subscribers of an affected component, each address once, in a stable order', () => {
    const recipients = emailRecipients(
      affectedAudience(
        [{ componentId: 'api' }, { componentId: 'db' }, { componentId: 'dashboard' }],
        [
          { customerId: 'a', tier: 'standard', locale: 'en', emails: ['z@a.test', 'Ops@a.test'], subscriptions: ['api'] },
          { customerId: 'b', tier: 'standard', locale: 'de', emails: ['ops@a.test', 'b@b.test'], subscriptions: ['db', 'api'] },
          { customerId: 'c', tier: 'standard', locale: 'en', emails: ['c@c.test'], subscriptions: ['dashboard'] },
        ],
        { components: ['api'], severity: 'SEV2' },
      ),
    );
    expect(recipients.map((r) => r.email)).toEqual(['b@b.test', 'Ops@a.test', 'z@a.test']);
    expect(recipients.find((r) => r.email === 'b@b.test')?.locale).toBe('de');
  });
});

describe('message metadata', () => {
  const meta = { incidentId: 'INC-7', severity: 'SEV2' as const, category: 'outage' as const, version: 3 };

  it('[M7.6] carries incident ID, severity, category and version in standard headers', () => {
    expect(metadataHeaders(meta)).toEqual({
      'X-Herald-Incident-Id': 'INC-7',
      'X-Herald-Severity': 'SEV2',
      'X-Herald-Category': 'outage',
      'X-Herald-Message-Version': '3',
    });
  });

  it('[X2] gives every delivery a deterministic Message-ID and idempotency key', () => {
    expect(messageIdFor(meta, 'Ops+x@Acme.test', 'herald.test')).toBe('<INC-7.v3.ops_x_acme.test@herald.test>');
    expect(messageIdFor(meta, 'ops@acme.test', 'h')).toBe(messageIdFor(meta, 'ops@acme.test', 'h'));
    expect(deliveryKey('INC-7', 3, 'email', 'Ops@Acme.test')).toBe('INC-7|v3|email|ops@acme.test');
  });
});

describe('templates and rendering', () => {
  it('[M1.6] picks the most specific template for category, severity and phase', () => {
    expect(selectTemplate(builtinTemplates, { category: 'outage', severity: 'SEV1', phase: 'investigating' })?.templateId).toBe('outage-investigating-major');
    expect(selectTemplate(builtinTemplates, { category: 'outage', severity: 'SEV4', phase: 'investigating' })?.templateId).toBe('outage-investigating-minor');
    expect(selectTemplate(builtinTemplates, { category: 'security', severity: 'SEV2', phase: 'investigating' })?.templateId).toBe('security-investigating');
    expect(selectTemplate(builtinTemplates, { category: 'security', severity: 'SEV2', phase: 'resolved' })?.templateId).toBe('generic-resolved');
  });

  it('[M2.3] escapes HTML in the HTML part, keeps plain text plain, and refuses a missing variable', () => {
    const tpl: MessageTemplate = { templateId: 't', category: '*', phase: 'investigating', severities: [], locale: 'en', subject: 'About {{title}}', body: '{{summary}}\n\nNext: {{nextUpdate}}' };
    const r = renderTemplate(tpl, { title: 'A & B', summary: '<script>alert(1)</script>', nextUpdate: '10:00' });
    expect(r.subject).toBe('About A & B');
    expect(r.text).toBe('<script>alert(1)</script>\n\nNext: 10:00');
    expect(r.html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>Next: 10:00</p>');
    expect(r.hash).toBe(contentHash(r.subject, r.text));
    expect(() => renderTemplate(tpl, { title: 'x', summary: 'y' })).toThrow(/nextUpdate/);
  });
});

describe('status page', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
  const entry = (incidentId: string, version: number, phase: string, severity: 'SEV1' | 'SEV3', components: string[], m: number) => ({
    incidentId, version, phase, severity, components, title: incidentId, category: 'outage', subject: `s${version}`, body: `b${version}`, publishedAt: at(m),
  });

  it('[M3.3] shows each component at the worst status of the open incidents touching it', () => {
    const s = statusSnapshot(
      [{ componentId: 'api', name: 'API' }, { componentId: 'db', name: 'DB' }, { componentId: 'ui', name: 'UI' }],
      [entry('A', 1, 'investigating', 'SEV3', ['api'], 1), entry('B', 1, 'investigating', 'SEV1', ['api', 'db'], 2), entry('C', 1, 'investigating', 'SEV1', ['ui'], 3), entry('C', 2, 'resolved', 'SEV1', ['ui'], 4)],
    );
    expect(s.components).toEqual([
      { id: 'api', name: 'API', status: 'major_outage' },
      { id: 'db', name: 'DB', status: 'major_outage' },
      { id: 'ui', name: 'UI', status: 'operational' },
    ]);
    expect(s.status).toBe('major_outage');
    expect(s.activeIncidents.map((i) => i.id)).toEqual(['B', 'A']);
    expect(s.recentIncidents.map((i) => [i.id, i.resolvedAt, i.updates.map((u) => u.version)])).toEqual([['C', at(4).toISOString(), [2, 1]]]);
  });

  it('says all systems operational when nothing is open', () => {
    expect(statusSnapshot([{ componentId: 'api', name: 'API' }], [])).toMatchObject({ status: 'operational', description: 'All systems operational' });
  });
});
