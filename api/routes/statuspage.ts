import { z } from 'zod';
import { componentStatuses, impacts, type StatusEntry } from '../../domain/status-page';
import { historyAtom, statuspageDocument, type StatuspageDocument } from '../../domain/status-page/format';
import { loadMarkers } from '../../store/component-markers';
import type { ApiDeps } from '../deps';
import { defineRoute } from '../route';

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

const json = (description: string, schema: z.ZodType) => ({ 200: { description, schema } });

export const statuspageRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/summary.json',
    summary: 'Statuspage v2 summary: page, overall status, components, unresolved incidents',
    tags: ['status api'],
    responses: json('Summary', z.object({ page: Page, status: Status, components: z.array(Component), incidents: z.array(Incident), scheduled_maintenances: z.array(z.any()) })),
    async handler({ deps }) {
      const d = await loadDocument(deps);
      return { body: { page: d.page, status: d.status, components: d.components, incidents: d.unresolved, scheduled_maintenances: [] } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/status.json',
    summary: 'Statuspage v2 status: the overall indicator and its description',
    tags: ['status api'],
    responses: json('Status', z.object({ page: Page, status: Status })),
    async handler({ deps }) {
      const d = await loadDocument(deps);
      return { body: { page: d.page, status: d.status } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/components.json',
    summary: 'Statuspage v2 components with their current status',
    tags: ['status api'],
    responses: json('Components', z.object({ page: Page, components: z.array(Component) })),
    async handler({ deps }) {
      const d = await loadDocument(deps);
      return { body: { page: d.page, components: d.components } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/incidents.json',
    summary: 'Statuspage v2 incidents: the 50 most recent, resolved or not, with all their updates',
    tags: ['status api'],
    responses: json('Incidents', z.object({ page: Page, incidents: z.array(Incident) })),
    async handler({ deps }) {
      const d = await loadDocument(deps);
      return { body: { page: d.page, incidents: d.incidents.slice(0, 50) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/incidents/unresolved.json',
    summary: 'Statuspage v2 unresolved incidents',
    tags: ['status api'],
    responses: json('Unresolved incidents', z.object({ page: Page, incidents: z.array(Incident) })),
    async handler({ deps }) {
      const d = await loadDocument(deps);
      return { body: { page: d.page, incidents: d.unresolved } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/history.atom',
    summary: 'The incident history as an Atom 1.0 feed',
    tags: ['status api'],
    responses: { 200: { description: 'Atom feed', contentType: 'application/atom+xml' } },
    async handler({ deps }) {
      return { body: historyAtom(await loadDocument(deps)), contentType: 'application/atom+xml; charset=utf-8' };
    },
  }),
];
