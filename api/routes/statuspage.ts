import { z } from 'zod';
import { componentStatuses, impacts, type StatusEntry } from '../../domain/status-page';
import { historyAtom, statuspageDocument, type StatuspageDocument } from '../../domain/status-page/format';
import { loadMarkers } from '../../store/component-markers';
import type { ApiDeps } from '../deps';
import { statusReads } from './status';

/** Public and unauthenticated, like Statuspage's own: aggregators poll these without a key. */

async function loadDocument(deps: ApiDeps): Promise<StatuspageDocument> {
  const [components, entries, markers] = await Promise.all([
    deps.store.models.Component.find({}, { componentId: 1, name: 1, description: 1, createdAt: 1 }).sort({ name: 1 }).lean(),
    deps.store.models.StatusEntry.find({}).lean<StatusEntry[]>(),
    loadMarkers(deps.store.models),
  ]);
  return statuspageDocument({
    publicUrl: deps.publicUrl,
    pageName: new URL(deps.publicUrl).hostname,
    components,
    entries,
    markers: markers.map((m) => ({ componentId: m.componentId, status: m.status, since: m.setAt })),
    now: new Date(),
  });
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

const read = statusReads(['status api'], loadDocument);

export const statuspageRoutes = [
  read('/api/v2/summary.json', 'Statuspage v2 summary: page, overall status, components, unresolved incidents', {
    description: 'Summary',
    schema: z.object({ page: Page, status: Status, components: z.array(Component), incidents: z.array(Incident), scheduled_maintenances: z.array(z.any()) }),
  }, (d) => ({ page: d.page, status: d.status, components: d.components, incidents: d.unresolved, scheduled_maintenances: [] })),
  read('/api/v2/status.json', 'Statuspage v2 status: the overall indicator and its description',
    { description: 'Status', schema: z.object({ page: Page, status: Status }) }, (d) => ({ page: d.page, status: d.status })),
  read('/api/v2/components.json', 'Statuspage v2 components with their current status',
    { description: 'Components', schema: z.object({ page: Page, components: z.array(Component) }) }, (d) => ({ page: d.page, components: d.components })),
  read('/api/v2/incidents.json', 'Statuspage v2 incidents: the 50 most recent, resolved or not, with all their updates',
    { description: 'Incidents', schema: z.object({ page: Page, incidents: z.array(Incident) }) }, (d) => ({ page: d.page, incidents: d.incidents.slice(0, 50) })),
  read('/api/v2/incidents/unresolved.json', 'Statuspage v2 unresolved incidents',
    { description: 'Unresolved incidents', schema: z.object({ page: Page, incidents: z.array(Incident) }) }, (d) => ({ page: d.page, incidents: d.unresolved })),
  read('/history.atom', 'The incident history as an Atom 1.0 feed', { description: 'Atom feed', contentType: 'application/atom+xml' }, historyAtom),
];
