import type { MonitoringMarker } from './';

/**
 * Scheduled maintenance on the status page (M3.1), as Atlassian Statuspage shows it: a window
 * announced ahead, during which its components show "under maintenance" (which costs no uptime)
 * and the banner says so unless something worse is going on.
 */

export interface Maintenance {
  id: string;
  title: string;
  description: string;
  components: string[];
  startsAt: Date;
  endsAt: Date;
}

export type MaintenanceStatus = 'scheduled' | 'in_progress' | 'completed';

/** Where a window stands at `now`: it starts at `startsAt` and is over at `endsAt`. */
export function maintenanceStatus(m: Pick<Maintenance, 'startsAt' | 'endsAt'>, now: Date): MaintenanceStatus {
  if (now < m.startsAt) return 'scheduled';
  return now < m.endsAt ? 'in_progress' : 'completed';
}

/** The statuses the windows in progress set on their components, from each window's start. */
export function maintenanceMarkers(windows: readonly Maintenance[], now: Date): (MonitoringMarker & { since: Date })[] {
  return windows
    .filter((m) => maintenanceStatus(m, now) === 'in_progress')
    .flatMap((m) => m.components.map((componentId) => ({ componentId, status: 'under_maintenance' as const, since: m.startsAt })));
}

/** What the page lists: the windows in progress and those starting within `horizonDays`, soonest first. */
export function shownMaintenance(windows: readonly Maintenance[], now: Date, horizonDays = 14): Maintenance[] {
  const horizon = now.getTime() + horizonDays * 24 * 60 * 60 * 1000;
  return windows
    .filter((m) => maintenanceStatus(m, now) !== 'completed' && m.startsAt.getTime() <= horizon)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export interface SpMaintenance {
  id: string;
  name: string;
  status: MaintenanceStatus;
  impact: 'maintenance';
  shortlink: string;
  created_at: string;
  updated_at: string;
  scheduled_for: string;
  scheduled_until: string;
  page_id: string;
  incident_updates: never[];
  components: { id: string; name: string }[];
}

/** The windows not yet over in Statuspage v2's scheduled_maintenances shape, soonest first. */
export function statuspageMaintenances(
  windows: readonly (Maintenance & { createdAt: Date })[],
  components: readonly { componentId: string; name: string }[],
  src: { publicUrl: string; pageId: string; now: Date },
): SpMaintenance[] {
  const names = new Map(components.map((c) => [c.componentId, c.name]));
  return [...windows]
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    .map((m) => ({
      id: m.id,
      name: m.title,
      status: maintenanceStatus(m, src.now),
      impact: 'maintenance' as const,
      shortlink: `${src.publicUrl}/status#maintenance-${encodeURIComponent(m.id)}`,
      created_at: m.createdAt.toISOString(),
      updated_at: m.createdAt.toISOString(),
      scheduled_for: m.startsAt.toISOString(),
      scheduled_until: m.endsAt.toISOString(),
      page_id: src.pageId,
      incident_updates: [],
      components: m.components.map((id) => ({ id, name: names.get(id) ?? id })),
    }))
    .filter((m) => m.status !== 'completed');
}
