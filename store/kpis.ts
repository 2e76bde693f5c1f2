import type { FilterQuery } from 'mongoose';
import { hourOf, type KpiIncident, type KpiRecords } from '../domain/kpis';
import type { Models } from './models';
import type { IncidentSummaryDoc } from './incident-summaries';
import { trafficBetween } from './status-traffic';

/** Which incidents the KPIs cover: the read model's fields; drills only when asked. */
export interface KpiFilter {
  ids?: string[];
  severities?: string[];
  categories?: string[];
  playbooks?: string[];
  teams?: string[];
  /** detectedAt from (inclusive) and to (exclusive), ISO 8601. */
  from?: string;
  to?: string;
  drills: boolean;
}

/** At most this many incidents, the most recent first, go into one reading. */
export const kpiIncidentLimit = 1000;

function kpiIncident(s: IncidentSummaryDoc): KpiIncident {
  const recurrence = (s as IncidentSummaryDoc & { recurrence?: KpiIncident['recurrence'] }).recurrence;
  return {
    id: s.id, title: s.title, severity: s.severity, category: s.category, drill: s.drill, detectedAt: s.detectedAt, firstMessageDueAt: s.firstMessageDueAt,
    ...(s.playbook ? { playbook: s.playbook.id } : {}), ...(s.lead ? { team: s.lead } : {}), ...(s.resolvedAt ? { resolvedAt: s.resolvedAt } : {}),
    ...(recurrence ? { recurrence } : {}),
  };
}

/** The records every KPI of these incidents is computed from, one set per incident. */
export async function kpiRecords(models: Models, filter: KpiFilter, now: Date): Promise<KpiRecords[]> {
  const match: FilterQuery<IncidentSummaryDoc> = {
    ...(filter.drills ? {} : { drill: false }),
    ...(filter.ids ? { _id: { $in: filter.ids } } : {}),
    ...(filter.severities ? { severity: { $in: filter.severities } } : {}),
    ...(filter.categories ? { category: { $in: filter.categories } } : {}),
    ...(filter.playbooks ? { 'playbook.id': { $in: filter.playbooks } } : {}),
    ...(filter.teams ? { lead: { $in: filter.teams } } : {}),
    ...(filter.from || filter.to ? { detectedAt: { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) } } : {}),
  };
  const summaries = await models.IncidentSummary.find(match, { __v: 0 }).sort({ detectedAt: -1 }).limit(kpiIncidentLimit).lean<IncidentSummaryDoc[]>();
  if (!summaries.length) return [];
  const ids = summaries.map((s) => s.id);
  const earliest = summaries.reduce((a, s) => (s.detectedAt < a ? s.detectedAt : a), summaries[0].detectedAt);
  const [audit, entries, deliveries, inquiries, clicks, traffic] = await Promise.all([
    models.AuditRecord.find({ incidentId: { $in: ids }, step: { $in: ['drafted', 'holding-statement', 'approved', 'publication-blocked', 'published'] } }, { incidentId: 1, seq: 1, step: 1, at: 1, details: 1 }).lean(),
    models.StatusEntry.find({ incidentId: { $in: ids } }, { incidentId: 1, version: 1, publishedAt: 1, nextUpdateAt: 1 }).lean(),
    models.ChannelDelivery.find({ incidentId: { $in: ids } }).lean(),
    models.Inquiry.find({ incidentId: { $in: ids } }, { incidentId: 1, receivedAt: 1 }).lean(),
    models.LinkClick.aggregate<{ _id: { incidentId: string; channel: string; segment: string }; count: number }>([
      { $match: { incidentId: { $in: ids } } },
      { $group: { _id: { incidentId: '$incidentId', channel: '$channel', segment: '$segment' }, count: { $sum: 1 } } },
    ]),
    trafficBetween(models, hourOf(earliest), now.toISOString()),
  ]);
  const of = <T extends { incidentId: string }>(rows: T[], id: string) => rows.filter((r) => r.incidentId === id);
  return summaries.map((s) => ({
    incident: kpiIncident(s),
    audit: of(audit, s.id).map((r) => ({ seq: r.seq, step: r.step, at: r.at, details: r.details })),
    updates: of(entries, s.id).map((e) => ({ version: e.version, publishedAt: new Date(e.publishedAt).toISOString(), ...(e.nextUpdateAt ? { nextUpdateAt: new Date(e.nextUpdateAt).toISOString() } : {}) })),
    channelDeliveries: of(deliveries, s.id).map((d) => ({ version: d.version, channel: d.channel, deliveredAt: new Date(d.deliveredAt).toISOString(), count: d.count, ...(d.failed ? { failed: d.failed } : {}) })),
    inquiries: of(inquiries, s.id).map((q) => ({ receivedAt: new Date(q.receivedAt).toISOString() })),
    clicks: clicks.filter((c) => c._id.incidentId === s.id).map((c) => ({ channel: c._id.channel, segment: c._id.segment, count: c.count })),
    traffic,
  }));
}
