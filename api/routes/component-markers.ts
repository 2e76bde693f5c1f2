import { z } from 'zod';
import { componentStatuses } from '../../domain/status-page';
import { loadMarkers } from '../../store/component-markers';
import { found } from '../errors';
import { defineRoute } from '../route';

/** The statuses monitoring set on a component by itself (M3.1), and the alerts that set them. */

const Marker = z.object({
  componentId: z.string(),
  fingerprint: z.string(),
  status: z.enum(componentStatuses),
  source: z.string(),
  alertName: z.string(),
  rule: z.string(),
  setAt: z.string(),
  lastSeenAt: z.string(),
});

export const componentMarkerRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/components/:id/markers',
    summary: 'Monitoring markers on a component: statuses firing alerts set by themselves, cleared when the alert resolves',
    tags: ['service model'],
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: {
      200: { description: 'Markers in force, oldest first', schema: z.object({ componentId: z.string(), markers: z.array(Marker) }) },
    },
    errors: {
      404: 'Unknown component',
    },
    async handler({ params, deps }) {
      found(await deps.store.models.Component.findOne({ componentId: params.id }, { componentId: 1 }).lean(), `component ${params.id}`);
      const markers = (await loadMarkers(deps.store.models, params.id)).map((m) => ({
        componentId: m.componentId, fingerprint: m.fingerprint, status: m.status, source: m.source, alertName: m.alertName, rule: m.rule,
        setAt: new Date(m.setAt).toISOString(), lastSeenAt: new Date(m.lastSeenAt).toISOString(),
      }));
      return { body: { componentId: params.id, markers } };
    },
  }),
];
