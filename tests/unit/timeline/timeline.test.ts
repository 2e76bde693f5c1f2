import { incidentTimeline } from '../../../domain/timeline';

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
