import { componentStatusFor, impactOf, worst, type ComponentStatus, type MonitoringMarker, type StatusEntry } from './';

/**
 * Uptime per component and day (M3.1), from the component's status history: the published
 * entries of incidents that touched it (each version's impact holds until the next version, a
 * resolved version ends it) and the monitoring markers in force. Counted as Atlassian
 * Statuspage counts it: a major outage is downtime in full, a partial outage for 30 % of its
 * time; degraded performance and maintenance show on the bar but cost no uptime.
 */

/** One stretch of time in which a component showed a status other than operational. */
export interface StatusSpan {
  componentId: string;
  status: ComponentStatus;
  from: Date;
  to: Date;
  incident?: { id: string; title: string };
}

export interface UptimeDay {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  /** Percent, floored to two decimals, so any downtime shows below 100. */
  uptime: number;
  /** The worst status the component showed that day. */
  status: ComponentStatus;
  incidents: { id: string; title: string }[];
}

export interface ComponentUptime {
  days: UptimeDay[];
  /** Percent over the whole window, floored to two decimals. */
  uptime: number;
}

export const downtimeWeight: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

const dayMs = 24 * 60 * 60 * 1000;

/** The spans the published entries and markers make; `now` closes what is still open. */
export function statusSpans(entries: readonly StatusEntry[], markers: readonly (MonitoringMarker & { since: Date })[], now: Date): StatusSpan[] {
  const byIncident = new Map<string, StatusEntry[]>();
  for (const e of entries) byIncident.set(e.incidentId, [...(byIncident.get(e.incidentId) ?? []), e]);
  const spans: StatusSpan[] = [];
  for (const [id, list] of byIncident) {
    const versions = [...list].sort((a, b) => a.version - b.version);
    const incident = { id, title: versions[versions.length - 1].title };
    versions.forEach((e, i) => {
      if (e.phase === 'resolved') return;
      const to = versions[i + 1]?.publishedAt ?? now;
      const status = componentStatusFor[impactOf(e.severity)];
      for (const componentId of e.components) spans.push({ componentId, status, from: e.publishedAt, to, incident });
    });
  }
  for (const m of markers) spans.push({ componentId: m.componentId, status: m.status, from: m.since, to: now });
  return spans.filter((s) => s.to > s.from);
}

const floor2 = (percent: number) => Math.floor(percent * 100 + 1e-9) / 100;

/** Weighted downtime (ms) within [start, end): at each moment the worst status of the spans covering it counts. */
function downtime(spans: readonly StatusSpan[], start: number, end: number): { ms: number; status: ComponentStatus } {
  const cuts = new Set<number>([start, end]);
  for (const s of spans) {
    for (const t of [s.from.getTime(), s.to.getTime()]) if (t > start && t < end) cuts.add(t);
  }
  const points = [...cuts].sort((a, b) => a - b);
  let ms = 0;
  let status: ComponentStatus = 'operational';
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const here = spans.filter((s) => s.from.getTime() <= a && s.to.getTime() >= b).reduce<ComponentStatus>((acc, s) => worst(acc, s.status), 'operational');
    status = worst(status, here);
    ms += (b - a) * downtimeWeight[here];
  }
  return { ms, status };
}

/** The last `days` UTC days of one component, today (up to `now`) last. */
export function componentUptime(componentId: string, spans: readonly StatusSpan[], now: Date, days = 90): ComponentUptime {
  const mine = spans.filter((s) => s.componentId === componentId);
  const today = Math.floor(now.getTime() / dayMs) * dayMs;
  const out: UptimeDay[] = [];
  let total = 0;
  let down = 0;
  for (let d = days - 1; d >= 0; d--) {
    const start = today - d * dayMs;
    const end = Math.min(start + dayMs, now.getTime());
    const touching = mine.filter((s) => s.from.getTime() < end && s.to.getTime() > start);
    const { ms, status } = downtime(touching, start, end);
    const length = Math.max(end - start, 1);
    total += length;
    down += ms;
    const incidents = [...new Map(touching.flatMap((s) => (s.incident ? [[s.incident.id, s.incident] as const] : []))).values()];
    out.push({ date: new Date(start).toISOString().slice(0, 10), uptime: floor2(100 * (1 - ms / length)), status, incidents });
  }
  return { days: out, uptime: floor2(100 * (1 - down / total)) };
}
