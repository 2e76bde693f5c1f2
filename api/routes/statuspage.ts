import { z } from 'zod';
import { componentStatuses, impacts } from '../../domain/status-page';
import { historyAtom, historyRss, pageId, statuspageDocument, type StatuspageDocument } from '../../domain/status-page/format';
import { statuspageMaintenances, type SpMaintenance } from '../../domain/status-page/maintenance';
import type { StatusData } from '../status-cache';
import { countedReads } from '../status-traffic';
import { statusJson } from './status';

/** Public and unauthenticated, like Statuspage's own: aggregators poll these without a key. */

type Document = StatuspageDocument & { maintenances: SpMaintenance[] };
const documents = new WeakMap<StatusData, Document>();

/**
 * The v2 document of one version of the status data, computed once for all its routes. A window
 * starting or ending changes the data's version, so the moment it was first seen places each window.
 */
function documentOf(data: StatusData, publicUrl: string): Document {
  let doc = documents.get(data);
  if (!doc) {
    const { components, entries, markers, maintenances } = data.source;
    doc = {
      ...statuspageDocument({ publicUrl, pageName: new URL(publicUrl).hostname, components, entries, markers, now: data.seenAt }),
      maintenances: statuspageMaintenances(maintenances, components, { publicUrl, pageId: pageId(publicUrl), now: data.seenAt }),
    };
    documents.set(data, doc);
  }
  return doc;
}

const nullableString = z.string().nullable();
const Page = z.object({ id: z.string(), name: z.string(), url: z.string(), time_zone: z.string(), updated_at: z.string() });
const Status = z.object({ indicator: z.enum([...impacts, 'maintenance']), description: z.string() });
const componentStatus = z.enum(componentStatuses);
const Component = z.object({
  id: z.string(), name: z.string(), status: componentStatus, created_at: z.string(), updated_at: z.string(), position: z.number(),
  description: nullableString, showcase: z.boolean(), start_date: nullableString, group_id: nullableString, page_id: z.string(),
  group: z.boolean(), only_show_if_degraded: z.boolean(),
});
const Update = z.object({
  id: z.string(), status: z.string(), body: z.string(), incident_id: z.string(), created_at: z.string(), updated_at: z.string(), display_at: z.string(),
  affected_components: z.array(z.object({ code: z.string(), name: z.string(), old_status: componentStatus, new_status: componentStatus })).nullable(),
  deliver_notifications: z.boolean(),
});
const Incident = z.object({
  id: z.string(), name: z.string(), status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
  created_at: z.string(), updated_at: z.string(), monitoring_at: nullableString, resolved_at: nullableString,
  impact: z.enum(impacts), shortlink: z.string(), started_at: z.string(), page_id: z.string(),
  incident_updates: z.array(Update), components: z.array(Component),
});

const Maintenance = z.object({
  id: z.string(), name: z.string(), status: z.enum(['scheduled', 'in_progress', 'completed']), impact: z.literal('maintenance'), shortlink: z.string(),
  created_at: z.string(), updated_at: z.string(), scheduled_for: z.string(), scheduled_until: z.string(), page_id: z.string(),
  incident_updates: z.array(Update), components: z.array(z.object({ id: z.string(), name: z.string() })),
});
const maintenances = { description: 'Scheduled maintenances', schema: z.object({ page: Page, scheduled_maintenances: z.array(Maintenance) }) };

const json = statusJson(['status api']);
const read = (path: string, summary: string, answer: Parameters<typeof json>[2], view: (d: Document) => unknown) =>
  json(path, summary, answer, (data, deps) => view(documentOf(data, deps.publicUrl)));

export const statuspageRoutes = countedReads([
  read('/api/v2/summary.json', 'Statuspage v2 summary: page, overall status, components, unresolved incidents', {
    description: 'Summary',
    schema: z.object({ page: Page, status: Status, components: z.array(Component), incidents: z.array(Incident), scheduled_maintenances: z.array(Maintenance) }),
  }, (d) => ({ page: d.page, status: d.status, components: d.components, incidents: d.unresolved, scheduled_maintenances: d.maintenances })),
  read('/api/v2/status.json', 'Statuspage v2 status: the overall indicator and its description',
    { description: 'Status', schema: z.object({ page: Page, status: Status }) }, (d) => ({ page: d.page, status: d.status })),
  read('/api/v2/components.json', 'Statuspage v2 components with their current status',
    { description: 'Components', schema: z.object({ page: Page, components: z.array(Component) }) }, (d) => ({ page: d.page, components: d.components })),
  read('/api/v2/incidents.json', 'Statuspage v2 incidents: the 50 most recent, resolved or not, with all their updates',
    { description: 'Incidents', schema: z.object({ page: Page, incidents: z.array(Incident) }) }, (d) => ({ page: d.page, incidents: d.incidents.slice(0, 50) })),
  read('/api/v2/incidents/unresolved.json', 'Statuspage v2 unresolved incidents',
    { description: 'Unresolved incidents', schema: z.object({ page: Page, incidents: z.array(Incident) }) }, (d) => ({ page: d.page, incidents: d.unresolved })),
  read('/api/v2/scheduled-maintenances.json', 'Statuspage v2 scheduled maintenances: the windows not yet over, soonest first', maintenances,
    (d) => ({ page: d.page, scheduled_maintenances: d.maintenances })),
  read('/api/v2/scheduled-maintenances/upcoming.json', 'Statuspage v2 upcoming maintenances: the windows not yet started', maintenances,
    (d) => ({ page: d.page, scheduled_maintenances: d.maintenances.filter((m) => m.status === 'scheduled') })),
  read('/api/v2/scheduled-maintenances/active.json', 'Statuspage v2 active maintenances: the windows in progress', maintenances,
    (d) => ({ page: d.page, scheduled_maintenances: d.maintenances.filter((m) => m.status === 'in_progress') })),
  read('/history.atom', 'The incident history as an Atom 1.0 feed', { description: 'Atom feed', contentType: 'application/atom+xml' }, historyAtom),
  read('/history.rss', 'The incident history as an RSS 2.0 feed', { description: 'RSS feed', contentType: 'application/rss+xml' }, historyRss),
]);
