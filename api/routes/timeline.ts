import { z } from 'zod';
import { incidentTimeline } from '../../domain/timeline';
import { found } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';

const Event = z.object({ at: z.string(), kind: z.string(), detail: z.string(), version: z.number().optional(), channel: z.string().optional() });

export const timelineRoutes = [
  defineRoute({
    method: 'get', path: '/v1/incidents/:id/timeline', tags: ['incidents'], roles: ['manager', 'executive'],
    summary: 'The incident timeline for the review: milestones (detected, declared, identified, mitigated, resolved) against the communications per audience (customers: every version on every channel; internal: updates and briefings), the lag in minutes from each milestone to the next message to each audience, and inconsistencies (a "resolved" message while an alert still fires, locales published apart)',
    params: IncidentParams,
    responses: {
      200: {
        description: 'The two lanes',
        schema: z.object({
          incidentId: z.string(),
          milestones: z.array(Event.extend({ milestone: z.string() })),
          communications: z.object({ customers: z.array(Event), internal: z.array(Event) }),
          lags: z.array(z.object({ milestone: z.string(), audience: z.string(), minutes: z.number().nullable() })),
          inconsistencies: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.string(), version: z.number().optional() })),
        }),
      },
    },
    errors: { 404: 'Unknown incident' },
    async handler({ params, deps }) {
      const summary = found(await deps.store.models.IncidentSummary.findById(params.id, { detectedAt: 1 }).lean(), 'incident');
      const audit = await deps.store.models.AuditRecord.find({ incidentId: params.id }, { seq: 1, step: 1, at: 1, actor: 1, details: 1 }).sort({ seq: 1 }).lean();
      return { body: { incidentId: params.id, ...incidentTimeline(summary.detectedAt, audit) } };
    },
  }),
];
