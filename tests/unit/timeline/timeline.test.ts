import { incidentTimeline, noticeKind } from '../../../domain/timeline';

const at = (m: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + m * 60_000).toISOString();
let seq = 0;
const rec = (m: number, step: string, details: Record<string, unknown> = {}) => ({ seq: ++seq, step, at: at(m), actor: 'herald', details });

describe('incident timeline', () => {
  it('[M6.4] aligns milestones with communications per audience, with lags and flagged inconsistencies', () => {
    const t = incidentTimeline(at(0), [
      rec(1, 'declared'),
      rec(1, 'alert-joined', { fingerprint: 'fp-1', status: 'firing' }),
      rec(1, 'drafted', { version: 1, phase: 'investigating' }),
      rec(4, 'published', { channel: 'status-page', version: 1, locales: ['en'], requiredLocales: ['en', 'de'] }),
      rec(5, 'published', { channel: 'email', version: 1 }),
      rec(10, 'internal-update', { level: 'executive' }),
      rec(20, 'drafted', { version: 2, phase: 'identified' }),
      rec(22, 'published', { channel: 'status-page', version: 2, locales: ['en', 'de'], requiredLocales: ['en', 'de'] }),
      rec(30, 'drafted', { version: 3, phase: 'resolved' }),
      rec(33, 'published', { channel: 'status-page', version: 3, locales: ['en', 'de'], requiredLocales: ['en', 'de'] }),
      rec(34, 'resolved'),
    ]);
    expect(t.milestones.map((m) => [m.milestone, m.at])).toEqual([['detected', at(0)], ['declared', at(1)], ['identified', at(22)], ['resolved', at(33)]]);
    expect(t.communications.customers.map((c) => c.channel)).toEqual(['status-page', 'email', 'status-page', 'status-page']);
    expect(t.communications.internal).toHaveLength(1);
    expect(t.lags.filter((l) => l.milestone === 'detected')).toEqual([{ milestone: 'detected', audience: 'customers', minutes: 4 }, { milestone: 'detected', audience: 'internal', minutes: 10 }]);
    expect(t.lags.find((l) => l.milestone === 'identified' && l.audience === 'internal')!.minutes).toBeNull();
    expect(t.inconsistencies.map((i) => [i.kind, i.version])).toEqual([['locales-published-apart', 1], ['resolved-while-alert-firing', 3]]);
  });
});

describe('the internal lane and the page against the message', () => {
  it('[M6.4] internal notices to staff fill the internal lane (once each, however many people), beside updates and briefings', () => {
    seq = 0;
    const t = incidentTimeline(at(0), [
      rec(1, 'declared'),
      rec(1, 'drafted', { version: 1, phase: 'investigating' }),
      rec(3, 'published', { channel: 'status-page', version: 1 }),
      rec(40, 'briefing', { number: 1 }),
    ], [], {
      notices: [
        { noticeId: 'declared', at: at(2), recipients: 2 },
        { noticeId: 'approval-request-v2-legal', at: at(25), recipients: 1 },
        { noticeId: 'briefing-1', at: at(40), recipients: 3 },
      ],
    });
    expect(t.communications.internal.map((c) => [c.kind, c.detail, c.at])).toEqual([
      ['notice', 'declared notice (declared) to 2 people', at(2)],
      ['notice', 'approval-request notice (approval-request-v2-legal) to 1 person', at(25)],
      ['briefing', 'briefing 1', at(40)],
    ]);
    expect(t.lags.find((l) => l.milestone === 'declared' && l.audience === 'internal')!.minutes).toBe(1);
    expect([noticeKind('internal-update-2-executives'), noticeKind('missed-d3'), noticeKind('chronic-recurrence')]).toEqual(['internal-update', 'missed', 'chronic-recurrence']);
  });

  it('[M6.4] flags a version whose words differ from the status the page shows for one of its components', () => {
    seq = 0;
    const audit = [
      rec(1, 'declared'),
      rec(1, 'drafted', { version: 1, phase: 'investigating' }),
      rec(3, 'published', { channel: 'status-page', version: 1 }),
      rec(30, 'drafted', { version: 2, phase: 'resolved' }),
      rec(31, 'published', { channel: 'status-page', version: 2 }),
    ];
    const markers = [
      { componentId: 'payments', status: 'major_outage' as const, alertName: 'PaymentsDown', setAt: at(2) },
      { componentId: 'api', status: 'degraded_performance' as const, alertName: 'ApiLatency', setAt: at(20) },
    ];
    const t = incidentTimeline(at(0), audit, [], { severity: 'SEV3', markers });
    // v1 (SEV3: degraded performance) meets the payments outage already on the page; v2 says resolved while both still show.
    expect(t.inconsistencies.map((i) => [i.kind, i.version, i.detail])).toEqual([
      ['component-status-differs', 1, `v1 says investigating (degraded_performance) while the page shows payments as major_outage (monitoring: PaymentsDown, since ${at(2)})`],
      ['component-status-differs', 2, `v2 says resolved (operational) while the page shows payments as major_outage (monitoring: PaymentsDown, since ${at(2)})`],
      ['component-status-differs', 2, `v2 says resolved (operational) while the page shows api as degraded_performance (monitoring: ApiLatency, since ${at(20)})`],
    ]);
    expect(incidentTimeline(at(0), audit, [], { severity: 'SEV3', markers: [] }).inconsistencies).toEqual([]);
  });
});

describe('timeline annotations', () => {
  const records = () => {
    seq = 0;
    return [
      rec(2, 'declared'),
      rec(2, 'drafted', { version: 1, phase: 'investigating' }),
      rec(9, 'published', { channel: 'status-page', version: 1 }),
      rec(30, 'drafted', { version: 2, phase: 'identified' }),
      rec(35, 'published', { channel: 'status-page', version: 2 }),
      rec(36, 'briefing', { number: 1 }),
    ];
  };
  const note = (milestone: 'detected' | 'identified', m: number, annotatedAt: number, by = 'Morgan Manager') =>
    ({ id: `ta-${m}`, milestone, at: at(m), note: 'The first alert fired earlier in the monitoring tool', by, annotatedAt: at(annotatedAt) });

  it('[M6.4] keeps the recorded time, carries the latest correction beside it, and measures the lags from the corrected time', () => {
    // Detected at t0 by the records; the review finds the problem started at t0-6 and then at t0-5.
    const t = incidentTimeline(at(0), records(), [note('detected', -6, 60), note('detected', -5, 90, 'Lee Legal'), note('identified', 25, 61)]);
    const detected = t.milestones.find((m) => m.milestone === 'detected')!;
    expect(detected).toMatchObject({ at: at(0), correctedAt: at(-5) });
    expect(detected.annotations.map((a) => a.by)).toEqual(['Morgan Manager', 'Lee Legal']);
    // First message at t0+9: 14 minutes after the corrected detection, not 9; the first internal word (the briefing at 36) 41.
    expect(t.lags.filter((l) => l.milestone === 'detected')).toEqual([
      { milestone: 'detected', audience: 'customers', minutes: 14 }, { milestone: 'detected', audience: 'internal', minutes: 41 },
    ]);
    // Identified by the records when v2 went out (t0+35), corrected to t0+25: customers heard 10 minutes later.
    expect(t.milestones.find((m) => m.milestone === 'identified')).toMatchObject({ at: at(35), correctedAt: at(25) });
    expect(t.lags.find((l) => l.milestone === 'identified' && l.audience === 'customers')!.minutes).toBe(10);
    expect(t.milestones.find((m) => m.milestone === 'declared')).toEqual(expect.objectContaining({ annotations: [] }));
    expect(t.milestones.find((m) => m.milestone === 'declared')!.correctedAt).toBeUndefined();
  });

  it('[M6.4] without annotations the lags are measured from the recorded times', () => {
    const t = incidentTimeline(at(0), records());
    expect(t.lags.find((l) => l.milestone === 'detected' && l.audience === 'customers')!.minutes).toBe(9);
  });
});
