import { incidentSummary, sameSummary, type SummarySource } from '../../../domain/incident/summary';

const source = (extra: Partial<SummarySource> = {}): SummarySource => ({
  id: 'INC-1', title: 'Checkout errors', status: 'drafting', severity: 'SEV2', category: 'outage', tags: ['vendor'], components: ['api'],
  roles: { 'communication-lead': ['lead@herald.example', 'second@herald.example'] }, playbook: { id: 'outage-single', version: 3 },
  declaredBy: 'Riley Responder', detectedAt: '2026-03-01T10:00:00.000Z', firstMessageDueAt: '2026-03-01T10:30:00.000Z',
  deadlines: [
    { kind: 'step:approval', dueAt: '2026-03-01T10:20:00.000Z', state: 'open' },
    { kind: 'contract-breach', dueAt: '2026-03-01T10:10:00.000Z', state: 'open', tiers: ['enterprise'], customers: 2 },
    { kind: 'step:draft-ready', dueAt: '2026-03-01T10:05:00.000Z', state: 'met' },
  ],
  published: [], requiredApprovers: ['legal', 'executive'], approvals: [], currentDraft: { version: 1 },
  customersAffected: 12, customersByTier: { enterprise: 2, business: 10 },
  ...extra,
});

describe('the incident summary (the read model)', () => {
  it('[M4.3] says what a list and a dashboard show: status, lead, open clocks soonest first, impact, audience', () => {
    const s = incidentSummary(source(), 7);
    expect(s).toMatchObject({
      id: 'INC-1', title: 'Checkout errors', status: 'drafting', severity: 'SEV2', category: 'outage', tags: ['vendor'], components: ['api'],
      lead: 'lead@herald.example', playbook: { id: 'outage-single', version: 3 }, declaredBy: 'Riley Responder', declaredVia: 'person',
      drill: false, detectedAt: '2026-03-01T10:00:00.000Z', customersAffected: 12, customersByTier: { enterprise: 2, business: 10 },
      impact: 'major', pendingApprovers: [], seq: 7,
    });
    expect(s.openDeadlines).toEqual([
      { kind: 'contract-breach', dueAt: '2026-03-01T10:10:00.000Z', tiers: ['enterprise'], customers: 2 },
      { kind: 'step:approval', dueAt: '2026-03-01T10:20:00.000Z' },
    ]);
    // Nothing is out yet: the next thing customers are owed is the first message.
    expect(s.nextExternalUpdateDueAt).toBe('2026-03-01T10:30:00.000Z');
    expect(s.lastExternalUpdate).toBeUndefined();
    expect(s.firstExternalMessageAt).toBeUndefined();
  });

  it('[M4.3, M5.2] names the approver roles still to sign the version awaiting approval', () => {
    const s = incidentSummary(source({
      status: 'awaiting-approval', currentDraft: { version: 2 },
      approvals: [
        { version: 2, role: 'legal', decision: 'approve' },
        { version: 1, role: 'executive', decision: 'approve' },
      ],
    }), 1);
    expect(s.pendingApprovers).toEqual(['executive']);
  });

  it('[M4.3] after a publication: the last update, the promised next one and the first message', () => {
    const s = incidentSummary(source({
      status: 'published', nextUpdateDueAt: '2026-03-01T11:00:00.000Z', firstPublishedAt: '2026-03-01T10:02:00.000Z',
      published: [
        { version: 1, phase: 'investigating', publishedAt: '2026-03-01T10:02:00.000Z' },
        { version: 3, phase: 'identified', publishedAt: '2026-03-01T10:40:00.000Z' },
      ],
    }), 2);
    expect(s.lastExternalUpdate).toEqual({ version: 3, phase: 'identified', publishedAt: '2026-03-01T10:40:00.000Z' });
    expect(s.nextExternalUpdateDueAt).toBe('2026-03-01T11:00:00.000Z');
    expect(s.firstExternalMessageAt).toBe('2026-03-01T10:02:00.000Z');
  });

  it('[M1.3] an incident an alert opened is declared via alert; a resolved one is owed nothing more', () => {
    const s = incidentSummary(source({ declaredBy: 'alertmanager', status: 'resolved', resolvedAt: '2026-03-01T12:00:00.000Z', drill: true }), 9);
    expect(s).toMatchObject({ declaredVia: 'alert', status: 'resolved', resolvedAt: '2026-03-01T12:00:00.000Z', drill: true });
    expect(s.nextExternalUpdateDueAt).toBeUndefined();
    expect(incidentSummary(source({ declaredBy: 'generic' }), 1).declaredVia).toBe('alert');
  });

  it('[M4.3] two summaries of the same state are the same whatever their numbers; any change is not', () => {
    expect(sameSummary(incidentSummary(source(), 1), incidentSummary(source(), 2))).toBe(true);
    expect(sameSummary(incidentSummary(source(), 1), incidentSummary(source({ severity: 'SEV1' }), 2))).toBe(false);
    expect(sameSummary(incidentSummary(source(), 1), incidentSummary(source({ roles: { 'communication-lead': ['new@herald.example'] } }), 2))).toBe(false);
  });
});
