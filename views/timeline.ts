import type { Timeline } from '../domain/timeline';
import { render } from './index';

/**
 * The incident timeline as a page for the post-incident review (M6.4): one row per moment, in
 * three lanes (the incident, customers, internal), the lags from each milestone to the next
 * message per audience, and what contradicted the state. Times in UTC, as a review quotes them.
 */

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const minutes = (m: number | null) => (m === null ? 'no message yet' : m < 1 ? `${Math.round(m * 60)} s` : `${m} min`);

export function timelinePage(p: { incidentId: string; title: string; severity: string; timeline: Timeline; now: Date }): string {
  const t = p.timeline;
  type Row = { at: string; time: string; lane: 'incident' | 'customers' | 'internal'; words: string; corrections: string[] };
  const rows: Row[] = [
    ...t.milestones.map((m): Row => ({
      at: m.at, time: utc(m.at), lane: 'incident', words: `${m.milestone}: ${m.detail}`,
      corrections: m.annotations.map((a) => `corrected to ${utc(a.at)} by ${a.by} (${utc(a.annotatedAt)}): ${a.note}`),
    })),
    ...t.communications.customers.map((c): Row => ({ at: c.at, time: utc(c.at), lane: 'customers', words: c.detail, corrections: [] })),
    ...t.communications.internal.map((c): Row => ({ at: c.at, time: utc(c.at), lane: 'internal', words: c.detail, corrections: [] })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const lags = t.milestones.map((m) => ({
    milestone: m.milestone,
    from: utc(m.correctedAt ?? m.at),
    corrected: !!m.correctedAt,
    customers: minutes(t.lags.find((l) => l.milestone === m.milestone && l.audience === 'customers')?.minutes ?? null),
    internal: minutes(t.lags.find((l) => l.milestone === m.milestone && l.audience === 'internal')?.minutes ?? null),
  }));
  return render('timeline', {
    incidentId: p.incidentId, title: p.title, severity: p.severity, generated: utc(p.now.toISOString()),
    rows: rows.map((r) => ({ ...r, incident: r.lane === 'incident', customers: r.lane === 'customers', internal: r.lane === 'internal' })),
    lags,
    inconsistencies: t.inconsistencies.map((i) => ({ time: utc(i.at), kind: i.kind, detail: i.detail })),
  });
}
