/**
 * Communication KPIs (M6.1): how promptly and how steadily an incident's customers were told,
 * measured from what Herald recorded (audit records, status entries, channel deliveries,
 * inquiries, status-page traffic, tracked-link clicks). Pure functions over plain records; the
 * store reads them (store/kpis.ts) and the API shapes them (api/routes/kpis.ts). Times are
 * ISO 8601 strings; durations in the results are minutes, rounded to 0.01.
 */

export const minuteMs = 60_000;
const hourMs = 60 * minuteMs;

/** Default grace on a promised update: an update up to this many minutes late still counts as on time. */
export const defaultGraceMinutes = 3;

/** The incident as the KPIs group it (from its read-model summary). */
export interface KpiIncident {
  id: string;
  title?: string;
  severity: string;
  category: string;
  playbook?: string;
  /** The communication lead: the team that answers for the incident's communication. */
  team?: string;
  drill: boolean;
  detectedAt: string;
  /** When the first external message was due by the playbook. */
  firstMessageDueAt?: string;
  resolvedAt?: string;
  /** Recurrence found at declaration (M7.5). */
  recurrence?: { count: number; priorIncidents: string[] };
}

/** An audit record, as far as the KPIs read it. */
export interface KpiAuditRecord {
  seq: number;
  step: string;
  at: string;
  details: Record<string, unknown>;
}

/** One external update as customers saw it: a version on the status page, and the time it promised the next one. */
export interface ExternalUpdate {
  version: number;
  publishedAt: string;
  nextUpdateAt?: string;
}

export interface ChannelDeliveryRecord {
  version: number;
  channel: string;
  deliveredAt: string;
  count: number;
  failed?: number;
}

/** An hourly count of reads of one public status route (no address, no client: a number). */
export interface TrafficBucket {
  route: string;
  /** The hour's start, ISO 8601. */
  hour: string;
  count: number;
  /** Set for an incident's own page. */
  incidentId?: string;
}

export interface ClickRecord {
  channel: string;
  segment: string;
  count: number;
}

export interface KpiRecords {
  incident: KpiIncident;
  audit: KpiAuditRecord[];
  updates: ExternalUpdate[];
  channelDeliveries: ChannelDeliveryRecord[];
  inquiries: { receivedAt: string }[];
  traffic: TrafficBucket[];
  clicks: ClickRecord[];
}

export interface KpiOptions {
  /** Minutes an update may come after the promised time and still count as on time. */
  graceMinutes: number;
  /** The time of the reading: open incidents are measured up to it. */
  now: string;
}

export interface CadenceGap {
  from: number;
  to: number;
  minutes: number;
  promisedMinutes: number;
  onTime: boolean;
}

export interface IncidentKpis {
  incident: KpiIncident;
  timeToFirstMessage: { minutes: number; withinDeadline: boolean; deadlineMinutes?: number } | null;
  cadence: { gaps: CadenceGap[]; onTime: number; measured: number; adherence: number | null; longestSilenceMinutes: number | null; graceMinutes: number };
  approvals: { role: string; version: number; minutes: number }[];
  publicationChecks: { blocked: number; blockedMinutes: number };
  channels: Record<string, { lagMinutes: number[]; delivered: number; failed: number; successRate: number | null }>;
  inquiries: { total: number; perHour: { hour: string; count: number }[]; peakPerHour: number };
  statusTraffic: { total: number; pageViews: number; apiReads: number; byRoute: Record<string, number> };
  clicks: { total: number; byChannel: Record<string, number>; bySegment: Record<string, number> };
  recurrence: { recurring: boolean; count: number; priorIncidents: string[] };
}

const ms = (iso: string) => Date.parse(iso);
const toMinutes = (msValue: number) => Math.round((msValue / minuteMs) * 100) / 100;

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it; null for none. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The start of the hour an instant falls in, ISO 8601. */
export function hourOf(iso: string): string {
  return new Date(Math.floor(ms(iso) / hourMs) * hourMs).toISOString();
}

/** External updates in the order customers saw them, one per version. */
function ordered(updates: ExternalUpdate[]): ExternalUpdate[] {
  const byVersion = new Map<number, ExternalUpdate>();
  for (const u of updates) if (!byVersion.has(u.version)) byVersion.set(u.version, u);
  return [...byVersion.values()].sort((a, b) => ms(a.publishedAt) - ms(b.publishedAt) || a.version - b.version);
}

/** Time to first external message: the first publication minus detection, and whether it met the playbook's deadline. */
export function timeToFirstMessage(incident: KpiIncident, updates: ExternalUpdate[]): IncidentKpis['timeToFirstMessage'] {
  const first = ordered(updates)[0];
  if (!first) return null;
  const took = ms(first.publishedAt) - ms(incident.detectedAt);
  const deadline = incident.firstMessageDueAt ? ms(incident.firstMessageDueAt) - ms(incident.detectedAt) : undefined;
  return { minutes: toMinutes(took), withinDeadline: deadline === undefined || took <= deadline, ...(deadline !== undefined ? { deadlineMinutes: toMinutes(deadline) } : {}) };
}

/**
 * Cadence adherence: each gap between consecutive external updates is on time when it is no
 * longer than the interval the earlier update promised (its next-update time less its own
 * publication) plus the grace; an update that promised nothing starts no measured gap. The
 * longest silence is the longest stretch customers heard nothing: from detection to the first
 * update, and between consecutive updates.
 */
export function cadence(incident: KpiIncident, updates: ExternalUpdate[], graceMinutes: number): IncidentKpis['cadence'] {
  const list = ordered(updates);
  const gaps: CadenceGap[] = [];
  let longest: number | null = list.length ? ms(list[0].publishedAt) - ms(incident.detectedAt) : null;
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1];
    const gap = ms(list[i].publishedAt) - ms(prev.publishedAt);
    longest = Math.max(longest ?? 0, gap);
    if (!prev.nextUpdateAt) continue;
    const promised = ms(prev.nextUpdateAt) - ms(prev.publishedAt);
    gaps.push({ from: prev.version, to: list[i].version, minutes: toMinutes(gap), promisedMinutes: toMinutes(promised), onTime: gap <= promised + graceMinutes * minuteMs });
  }
  const onTime = gaps.filter((g) => g.onTime).length;
  return {
    gaps, onTime, measured: gaps.length, adherence: gaps.length ? onTime / gaps.length : null,
    longestSilenceMinutes: longest === null ? null : toMinutes(longest), graceMinutes,
  };
}

/** Approval latency: each sign-off's time less the time its version was drafted (submitted for sign-off), per approver role. */
export function approvalLatencies(audit: KpiAuditRecord[]): IncidentKpis['approvals'] {
  const drafted = new Map<number, number>();
  const out: IncidentKpis['approvals'] = [];
  for (const r of [...audit].sort((a, b) => a.seq - b.seq)) {
    const version = r.details.version;
    if (typeof version !== 'number') continue;
    if (r.step === 'drafted' || r.step === 'holding-statement') drafted.set(version, ms(r.at));
    if (r.step === 'approved' && drafted.has(version) && typeof r.details.role === 'string') {
      out.push({ role: r.details.role, version, minutes: toMinutes(ms(r.at) - drafted.get(version)!) });
    }
  }
  return out;
}

/**
 * Time blocked by publication checks: from each stop of a version (the check or a channel's gate,
 * before the page showed it) until the next version reached the page, or until the end of the
 * incident (resolution, or now while it is open).
 */
export function publicationBlocks(audit: KpiAuditRecord[], end: string): IncidentKpis['publicationChecks'] {
  const records = [...audit].sort((a, b) => a.seq - b.seq);
  let blocked = 0;
  let total = 0;
  let since: number | undefined;
  for (const r of records) {
    if (r.step === 'publication-blocked' && r.details.after !== 'status-page') {
      blocked += 1;
      since ??= ms(r.at);
    } else if (r.step === 'published' && r.details.channel === 'status-page' && since !== undefined) {
      total += ms(r.at) - since;
      since = undefined;
    }
  }
  if (since !== undefined) total += Math.max(0, ms(end) - since);
  return { blocked, blockedMinutes: toMinutes(total) };
}

/** Per channel: how long after the status page it carried each version, and the share of its deliveries that succeeded. */
export function channelKpis(updates: ExternalUpdate[], deliveries: ChannelDeliveryRecord[]): IncidentKpis['channels'] {
  const pageAt = new Map(ordered(updates).map((u) => [u.version, ms(u.publishedAt)]));
  const out: IncidentKpis['channels'] = {};
  for (const d of deliveries) {
    const c = (out[d.channel] ??= { lagMinutes: [], delivered: 0, failed: 0, successRate: null });
    const page = pageAt.get(d.version);
    if (page !== undefined) c.lagMinutes.push(toMinutes(Math.max(0, ms(d.deliveredAt) - page)));
    c.delivered += d.count;
    c.failed += d.failed ?? 0;
  }
  for (const c of Object.values(out)) c.successRate = c.delivered + c.failed ? c.delivered / (c.delivered + c.failed) : null;
  return out;
}

/** Inquiries of the war-room feed per hour of receipt. */
export function inquiryVolume(inquiries: { receivedAt: string }[]): IncidentKpis['inquiries'] {
  const counts = new Map<string, number>();
  for (const q of inquiries) counts.set(hourOf(q.receivedAt), (counts.get(hourOf(q.receivedAt)) ?? 0) + 1);
  const perHour = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hour, count]) => ({ hour, count }));
  return { total: inquiries.length, perHour, peakPerHour: Math.max(0, ...perHour.map((h) => h.count)) };
}

/** Reads of HTML pages (the status page and its incident pages) as against its JSON and feed APIs. */
export const isPageRoute = (route: string) => route === '/status' || route.startsWith('/status/');

/**
 * Status-page traffic in the incident's window: every hour from the one it was detected in to the
 * one it was resolved in (or now); an incident's own page only for that incident.
 */
export function statusTraffic(incident: KpiIncident, buckets: TrafficBucket[], now: string): IncidentKpis['statusTraffic'] {
  const from = ms(hourOf(incident.detectedAt));
  const to = ms(incident.resolvedAt ?? now);
  const byRoute: Record<string, number> = {};
  let pageViews = 0;
  let apiReads = 0;
  for (const b of buckets) {
    const at = ms(b.hour);
    if (at < from || at > to || (b.incidentId !== undefined && b.incidentId !== incident.id)) continue;
    byRoute[b.route] = (byRoute[b.route] ?? 0) + b.count;
    if (isPageRoute(b.route)) pageViews += b.count;
    else apiReads += b.count;
  }
  return { total: pageViews + apiReads, pageViews, apiReads, byRoute };
}

/** Tracked-link clicks per channel and per segment. */
export function clickKpis(clicks: ClickRecord[]): IncidentKpis['clicks'] {
  const byChannel: Record<string, number> = {};
  const bySegment: Record<string, number> = {};
  let total = 0;
  for (const c of clicks) {
    byChannel[c.channel] = (byChannel[c.channel] ?? 0) + c.count;
    bySegment[c.segment] = (bySegment[c.segment] ?? 0) + c.count;
    total += c.count;
  }
  return { total, byChannel, bySegment };
}

/** Every KPI of one incident. */
export function incidentKpis(r: KpiRecords, opts: KpiOptions): IncidentKpis {
  const end = r.incident.resolvedAt ?? opts.now;
  return {
    incident: r.incident,
    timeToFirstMessage: timeToFirstMessage(r.incident, r.updates),
    cadence: cadence(r.incident, r.updates, opts.graceMinutes),
    approvals: approvalLatencies(r.audit),
    publicationChecks: publicationBlocks(r.audit, end),
    channels: channelKpis(r.updates, r.channelDeliveries),
    inquiries: inquiryVolume(r.inquiries),
    statusTraffic: statusTraffic(r.incident, r.traffic, opts.now),
    clicks: clickKpis(r.clicks),
    recurrence: { recurring: (r.incident.recurrence?.count ?? 0) > 0, count: r.incident.recurrence?.count ?? 0, priorIncidents: r.incident.recurrence?.priorIncidents ?? [] },
  };
}

export const kpiGroupings = ['category', 'severity', 'playbook', 'team', 'period'] as const;
export type KpiGrouping = (typeof kpiGroupings)[number];
export const kpiPeriods = ['day', 'week', 'month'] as const;
export type KpiPeriod = (typeof kpiPeriods)[number];

/** The period an instant falls in: `2026-12-02` (day), the Monday of its ISO week (week), `2026-12` (month). */
export function periodOf(iso: string, period: KpiPeriod): string {
  if (period === 'month') return iso.slice(0, 7);
  if (period === 'day') return iso.slice(0, 10);
  const day = new Date(ms(iso.slice(0, 10)));
  const monday = ms(iso.slice(0, 10)) - ((day.getUTCDay() + 6) % 7) * 24 * hourMs;
  return new Date(monday).toISOString().slice(0, 10);
}

export interface KpiGroup {
  key: string;
  incidents: number;
  timeToFirstMessage: { measured: number; p50: number | null; p90: number | null; withinDeadlineShare: number | null; bySeverity: Record<string, { p50: number | null; p90: number | null; measured: number }> };
  cadence: { onTime: number; measured: number; adherence: number | null; longestSilenceMinutes: number | null };
  approvalLatency: Record<string, { p50: number | null; p95: number | null; signoffs: number }>;
  publicationChecks: { blocked: number; blockedMinutes: number };
  channels: Record<string, { lagP50: number | null; lagP95: number | null; delivered: number; failed: number; successRate: number | null }>;
  inquiries: { total: number; peakPerHour: number };
  statusTraffic: { total: number; pageViews: number; apiReads: number };
  clicks: { total: number; byChannel: Record<string, number>; bySegment: Record<string, number> };
  recurrence: { recurringIncidents: number; share: number | null };
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 10_000) / 10_000);

function keyOf(k: IncidentKpis, by: KpiGrouping, period: KpiPeriod): string {
  const i = k.incident;
  if (by === 'period') return periodOf(i.detectedAt, period);
  if (by === 'playbook') return i.playbook ?? 'none';
  if (by === 'team') return i.team ?? 'none';
  return i[by];
}

/** The KPIs of one set of incidents taken together. */
export function combine(key: string, list: IncidentKpis[]): KpiGroup {
  const first = list.map((k) => k.timeToFirstMessage).filter((t): t is NonNullable<typeof t> => t !== null);
  const bySeverity: KpiGroup['timeToFirstMessage']['bySeverity'] = {};
  for (const sev of [...new Set(list.map((k) => k.incident.severity))].sort()) {
    const mins = list.filter((k) => k.incident.severity === sev && k.timeToFirstMessage).map((k) => k.timeToFirstMessage!.minutes);
    bySeverity[sev] = { p50: percentile(mins, 50), p90: percentile(mins, 90), measured: mins.length };
  }
  const onTime = list.reduce((a, k) => a + k.cadence.onTime, 0);
  const measured = list.reduce((a, k) => a + k.cadence.measured, 0);
  const silences = list.map((k) => k.cadence.longestSilenceMinutes).filter((s): s is number => s !== null);
  const roles: Record<string, number[]> = {};
  for (const a of list.flatMap((k) => k.approvals)) (roles[a.role] ??= []).push(a.minutes);
  const channels: KpiGroup['channels'] = {};
  const channelTotals: Record<string, { lag: number[]; delivered: number; failed: number }> = {};
  for (const [name, c] of list.flatMap((k) => Object.entries(k.channels))) {
    const t = (channelTotals[name] ??= { lag: [], delivered: 0, failed: 0 });
    t.lag.push(...c.lagMinutes);
    t.delivered += c.delivered;
    t.failed += c.failed;
  }
  for (const [name, t] of Object.entries(channelTotals)) {
    channels[name] = { lagP50: percentile(t.lag, 50), lagP95: percentile(t.lag, 95), delivered: t.delivered, failed: t.failed, successRate: round(t.delivered + t.failed ? t.delivered / (t.delivered + t.failed) : null) };
  }
  const sum = (f: (k: IncidentKpis) => number) => list.reduce((a, k) => a + f(k), 0);
  const merge = (f: (k: IncidentKpis) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const [name, n] of list.flatMap((k) => Object.entries(f(k)))) out[name] = (out[name] ?? 0) + n;
    return out;
  };
  const recurring = list.filter((k) => k.recurrence.recurring).length;
  return {
    key,
    incidents: list.length,
    timeToFirstMessage: {
      measured: first.length, p50: percentile(first.map((t) => t.minutes), 50), p90: percentile(first.map((t) => t.minutes), 90),
      withinDeadlineShare: round(first.length ? first.filter((t) => t.withinDeadline).length / first.length : null), bySeverity,
    },
    cadence: { onTime, measured, adherence: round(measured ? onTime / measured : null), longestSilenceMinutes: silences.length ? Math.max(...silences) : null },
    approvalLatency: Object.fromEntries(Object.entries(roles).sort(([a], [b]) => a.localeCompare(b)).map(([role, mins]) => [role, { p50: percentile(mins, 50), p95: percentile(mins, 95), signoffs: mins.length }])),
    publicationChecks: { blocked: sum((k) => k.publicationChecks.blocked), blockedMinutes: Math.round(sum((k) => k.publicationChecks.blockedMinutes) * 100) / 100 },
    channels,
    inquiries: { total: sum((k) => k.inquiries.total), peakPerHour: Math.max(0, ...list.map((k) => k.inquiries.peakPerHour)) },
    statusTraffic: { total: sum((k) => k.statusTraffic.total), pageViews: sum((k) => k.statusTraffic.pageViews), apiReads: sum((k) => k.statusTraffic.apiReads) },
    clicks: { total: sum((k) => k.clicks.total), byChannel: merge((k) => k.clicks.byChannel), bySegment: merge((k) => k.clicks.bySegment) },
    recurrence: { recurringIncidents: recurring, share: round(list.length ? recurring / list.length : null) },
  };
}

/** The KPIs grouped by one of the groupings, groups in key order, and every incident together. */
export function aggregateKpis(list: IncidentKpis[], by: KpiGrouping, period: KpiPeriod = 'week'): { overall: KpiGroup; groups: KpiGroup[] } {
  const groups = new Map<string, IncidentKpis[]>();
  for (const k of list) {
    const key = keyOf(k, by, period);
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  return {
    overall: combine('all', list),
    groups: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, members]) => combine(key, members)),
  };
}
