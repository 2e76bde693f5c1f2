import { clockWords, dashboardView, durationWords, type DashboardFacts } from '../../../domain/dashboard';
import type { IncidentSummary } from '../../../domain/incident/summary';

const t0 = Date.parse('2026-03-03T14:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

function summary(over: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: 'INC-1', title: 'Checkout errors', status: 'awaiting-approval', severity: 'SEV2', category: 'outage', tags: [], components: ['api'],
    declaredBy: 'Riley', declaredVia: 'person', drill: false, detectedAt: at(0), openDeadlines: [], firstMessageDueAt: at(30),
    nextExternalUpdateDueAt: at(30), pendingApprovers: ['legal'], customersAffected: 0, customersByTier: { enterprise: 2, business: 3 },
    impact: 'major', alertFingerprints: [], seq: 3, playbook: { id: 'outage-single', version: 1 }, ...over,
  };
}

const playbook: DashboardFacts['playbook'] = {
  approverContacts: {
    legal: { onCall: 'legal-oncall@herald.internal', backup: 'counsel@herald.internal' },
    pr: { onCall: 'pr@herald.internal', backup: 'comms@herald.internal' },
    executive: { onCall: 'exec@herald.internal', backup: 'cto@herald.internal' },
    dpo: { onCall: 'dpo@herald.internal', backup: 'privacy@herald.internal' },
  },
  distribution: {},
};

function facts(over: Partial<DashboardFacts> = {}): DashboardFacts {
  return { summary: summary(), playbook, audit: [], componentNames: { api: 'Public API' }, ...over };
}

describe('the executive dashboard view', () => {
  it('[M4.3] says durations and clock times in words', () => {
    expect(durationWords(20_000)).toBe('under a minute');
    expect(durationWords(12 * 60_000)).toBe('12 min');
    expect(durationWords(65 * 60_000)).toBe('1 h 5 min');
    expect(durationWords(120 * 60_000)).toBe('2 h');
    expect(durationWords(51 * 3_600_000)).toBe('2 d 3 h');
    expect(clockWords(at(5), t0)).toBe('14:05 UTC');
    expect(clockWords(at(-24 * 60), t0)).toBe('2 Mar 14:00 UTC');
  });

  it('[M4.3] an incident waiting for approval: impact, customers by tier, the first message not yet out, who holds the approval', () => {
    const [i] = dashboardView([facts()], t0 + 10 * 60_000).incidents;
    expect(i).toMatchObject({
      severity: 'SEV2', statusWords: 'Message waiting for approval', sinceDetection: '10 min',
      impact: { level: 'major', label: 'Major', words: 'Customers partly cannot use Public API' },
      customers: { total: 5, tiers: [{ tier: 'business', count: 3 }, { tier: 'enterprise', count: 2 }] },
      firstMessage: { sent: false, overdue: false, words: 'Not yet. Due 14:30 UTC (in 20 min)' },
      approvals: [{ role: 'legal', roleWords: 'Legal', holder: 'legal-oncall@herald.internal', backup: 'counsel@herald.internal' }],
    });
    expect(i.lastUpdate).toBeUndefined();
  });

  it('[M4.3] an overdue first message and update say so in words, not by colour alone', () => {
    const [i] = dashboardView([facts()], t0 + 45 * 60_000).incidents;
    expect(i.firstMessage).toMatchObject({ overdue: true, words: 'Not yet. Overdue by 15 min (was due 14:30 UTC)' });
    expect(i.nextUpdate).toMatchObject({ overdue: true, words: 'Overdue by 15 min (was due 14:30 UTC)' });
  });

  it('[M4.3] an approver who did not answer in time: the backup holds it', () => {
    const audit = [
      { step: 'drafted' as const, at: at(1), actor: 'herald', details: { version: 1 } },
      { step: 'escalated' as const, at: at(20), actor: 'herald', details: { role: 'legal', backup: 'counsel@herald.internal', version: 1 } },
    ];
    const [i] = dashboardView([facts({ audit })], t0 + 25 * 60_000).incidents;
    expect(i.approvals).toEqual([{ role: 'legal', roleWords: 'Legal', holder: 'counsel@herald.internal, after the on-call did not answer' }]);
  });

  it('[M4.3] contractual clocks from the open deadlines and the missed ones; a legal notice regime runs from detection', () => {
    const s = summary({
      tags: ['data-exposure'],
      openDeadlines: [
        { kind: 'contract-warning', dueAt: at(20), tiers: ['enterprise'], customers: 2 },
        { kind: 'contract-breach', dueAt: at(30), tiers: ['enterprise'], customers: 2 },
      ],
    });
    const audit = [{ step: 'contract-deadline' as const, at: at(15), actor: 'herald', details: { breached: true, dueAt: at(15), tiers: ['enterprise'], customers: 1 } }];
    const legal = { ...playbook!, distribution: { legalNotice: { regime: 'GDPR Art. 34', tags: ['data-exposure'] } } };
    const [i] = dashboardView([facts({ summary: s, audit, playbook: legal })], t0 + 20 * 60_000).incidents;
    expect(i.clocks).toEqual([
      { kind: 'contract', dueAt: at(30), overdue: false, words: 'Contractual notice to 2 enterprise customers: due 14:30 UTC (in 10 min)' },
      { kind: 'contract', overdue: true, words: 'Contractual notice deadline missed at 14:15 UTC for 1 enterprise customer' },
      { kind: 'regulatory', overdue: false, words: 'GDPR Art. 34: notice required, clock running for 20 min since detection' },
    ]);
    // A regime bound to tags the incident does not carry is not running.
    const untagged = dashboardView([facts({ summary: summary(), playbook: legal })], t0).incidents[0];
    expect(untagged.clocks).toEqual([]);
  });

  it('[M4.3] a published incident: first message, last and next update, and its timeline in words', () => {
    const s = summary({
      status: 'published', pendingApprovers: [], firstExternalMessageAt: at(12), lastExternalUpdate: { version: 2, phase: 'identified', publishedAt: at(40) },
      nextExternalUpdateDueAt: at(70),
    });
    const audit = [
      { step: 'declared' as const, at: at(0), actor: 'Riley', details: {} },
      { step: 'approved' as const, at: at(11), actor: 'Avery', details: { version: 1, role: 'legal' } },
      { step: 'published' as const, at: at(12), actor: 'herald', details: { channel: 'status-page', version: 1 } },
      { step: 'published' as const, at: at(12), actor: 'herald', details: { channel: 'email', version: 1 } },
      { step: 'escalated' as const, at: at(30), actor: 'herald', details: { rules: ['sev1-executives'], notified: ['executives'] } },
      { step: 'escalated' as const, at: at(35), actor: 'herald', details: { reason: 'update overdue' } },
      { step: 'published' as const, at: at(40), actor: 'herald', details: { channel: 'status-page', version: 2 } },
    ];
    const [i] = dashboardView([facts({ summary: s, audit })], t0 + 50 * 60_000).incidents;
    expect(i).toMatchObject({
      statusWords: 'Customers informed',
      firstMessage: { sent: true, overdue: false, words: '14:12 UTC, 12 min after detection' },
      lastUpdate: { version: 2, overdue: false, words: 'v2 (identified), 14:40 UTC (10 min ago)' },
      nextUpdate: { overdue: false, words: 'Due 15:10 UTC (in 20 min)' },
      approvals: [],
    });
    expect(i.timeline.map((e) => `${e.time} ${e.words}`)).toEqual([
      '14:00 UTC Declared by Riley',
      '14:11 UTC v1 approved by Avery (Legal)',
      '14:12 UTC First external message (v1) published',
      '14:30 UTC Escalated to executives',
      '14:35 UTC Escalated: update overdue',
      '14:40 UTC Update v2 published',
    ]);
  });

  it('[M4.3] open incidents only, most severe first, then the longest running', () => {
    const view = dashboardView([
      facts({ summary: summary({ id: 'late-sev3', severity: 'SEV3', detectedAt: at(0) }) }),
      facts({ summary: summary({ id: 'done', status: 'resolved' }) }),
      facts({ summary: summary({ id: 'new-sev1', severity: 'SEV1', detectedAt: at(5) }) }),
      facts({ summary: summary({ id: 'old-sev1', severity: 'SEV1', detectedAt: at(1) }) }),
    ], t0);
    expect(view.openIncidents).toBe(3);
    expect(view.incidents.map((i) => i.id)).toEqual(['old-sev1', 'new-sev1', 'late-sev3']);
  });
});
