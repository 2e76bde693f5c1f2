import type { Severity } from '../incident';

/**
 * The status page (M3.1, M3.3): component statuses, the incidents the published entries make,
 * and the snapshot that shows each component at the worst of its monitoring markers and the open
 * incidents touching it. `format.ts` writes the same snapshot as Statuspage v2 JSON and Atom.
 */

/** Statuspage's component statuses, from best to worst: a component shows the worst that applies. */
export const componentStatuses = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof componentStatuses)[number];

/** A status that monitoring set on a component by itself (M3.1): it shows, but it says nothing in words. */
export interface MonitoringMarker {
  componentId: string;
  status: ComponentStatus;
}

export interface StatusEntry {
  incidentId: string;
  version: number;
  title: string;
  phase: string;
  severity: Severity;
  category: string;
  components: string[];
  subject: string;
  body: string;
  publishedAt: Date;
  nextUpdateAt?: Date;
  /** The same version in the other locales it was published in, as the gate let them out (M2.5). */
  translations?: Record<string, { subject: string; body: string }>;
}

export interface StatusIncident {
  id: string;
  title: string;
  /** What the public surfaces say instead of the internal severity. */
  impact: Impact;
  category: string;
  phase: string;
  components: string[];
  startedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  updates: { version: number; phase: string; subject: string; body: string; publishedAt: string }[];
}

export interface StatusSnapshot {
  status: 'operational' | ComponentStatus;
  description: string;
  components: { id: string; name: string; status: ComponentStatus }[];
  activeIncidents: StatusIncident[];
  recentIncidents: StatusIncident[];
}

/**
 * Customers never see Herald's internal severities (SEV1 to SEV4): the status page, status.json,
 * the Statuspage v2 API and the Atom feed speak of an incident's impact, in Statuspage's words.
 */
export const impacts = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof impacts)[number];

const impactBySeverity: Record<Severity, Impact> = { SEV1: 'critical', SEV2: 'major', SEV3: 'minor', SEV4: 'minor' };

/** The impact customers read for an internal severity. */
export function impactOf(severity: Severity): Impact {
  return impactBySeverity[severity];
}

/** The status an open incident of this impact gives the components it touches. */
export const componentStatusFor: Record<Impact, ComponentStatus> = {
  none: 'operational',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
};
const rank: readonly ComponentStatus[] = componentStatuses;

export const worst = (a: ComponentStatus, b: ComponentStatus) => (rank.indexOf(a) >= rank.indexOf(b) ? a : b);

/** Groups published entries into incidents, newest update first. */
export function incidentsFrom(entries: StatusEntry[]): StatusIncident[] {
  const byIncident = new Map<string, StatusEntry[]>();
  for (const e of entries) byIncident.set(e.incidentId, [...(byIncident.get(e.incidentId) ?? []), e]);
  const out: StatusIncident[] = [];
  for (const [id, list] of byIncident) {
    const sorted = [...list].sort((a, b) => b.version - a.version);
    const latest = sorted[0];
    const first = sorted[sorted.length - 1];
    out.push({
      id,
      title: latest.title,
      impact: impactOf(latest.severity),
      category: latest.category,
      phase: latest.phase,
      components: latest.components,
      startedAt: first.publishedAt.toISOString(),
      updatedAt: latest.publishedAt.toISOString(),
      resolvedAt: latest.phase === 'resolved' ? latest.publishedAt.toISOString() : undefined,
      updates: sorted.map((e) => ({
        version: e.version, phase: e.phase, subject: e.subject, body: e.body, publishedAt: e.publishedAt.toISOString(),
      })),
    });
  }
  return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/**
 * The public picture: each component's status is the worst of what the open incidents that touch
 * it imply and of the markers monitoring set on it; the overall status is the worst of them all.
 */
export function statusSnapshot(
  components: { componentId: string; name: string }[],
  entries: StatusEntry[],
  markers: readonly MonitoringMarker[] = [],
): StatusSnapshot {
  const incidents = incidentsFrom(entries);
  const active = incidents.filter((i) => i.phase !== 'resolved');
  const componentStatus = components.map((c) => ({
    id: c.componentId,
    name: c.name,
    status: markers
      .filter((m) => m.componentId === c.componentId)
      .reduce<ComponentStatus>(
        (acc, m) => worst(acc, m.status),
        active
          .filter((i) => i.components.includes(c.componentId))
          .reduce<ComponentStatus>((acc, i) => worst(acc, componentStatusFor[i.impact]), 'operational'),
      ),
  }));
  const overall = componentStatus.reduce<ComponentStatus>(
    (acc, c) => worst(acc, c.status),
    active.reduce<ComponentStatus>((acc, i) => worst(acc, componentStatusFor[i.impact]), 'operational'),
  );
  const description =
    overall === 'operational' ? 'All systems operational'
      : overall === 'major_outage' ? 'Major service outage'
        : overall === 'partial_outage' ? 'Partial service outage'
          : overall === 'under_maintenance' ? 'Service under maintenance' : 'Degraded performance';
  return {
    status: overall,
    description,
    components: componentStatus,
    activeIncidents: active,
    recentIncidents: incidents.filter((i) => i.phase === 'resolved').slice(0, 20),
  };
}
