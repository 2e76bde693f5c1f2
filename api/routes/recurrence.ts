import { z } from 'zod';
import { adaptationCounts, adaptationsOf } from '../../store/recurrence';
import { found } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';

const Prior = z.object({
  id: z.string(), title: z.string(), detectedAt: z.string(), resolvedAt: z.string().optional(), rootCause: z.string().optional(),
  matchedBy: z.enum(['alert-fingerprint', 'components']),
});
const Adaptation = z.object({
  version: z.number(), recipient: z.string(), customerId: z.string().optional(),
  kind: z.enum(['short-message', 'daily-cap', 'digest']), priorIncident: z.string().optional(), at: z.string(),
});
const Query = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Adaptation records to list, by version and recipient') });

export const recurrenceRoutes = [
  defineRoute({
    method: 'get', path: '/v1/incidents/:id/recurrence', tags: ['incidents'], roles: ['manager', 'executive', 'responder'],
    summary: "Whether the incident repeats earlier ones (same alert fingerprint, or same category and components, within the playbook's window; found at declaration), the earlier incidents, and what the email did differently per recipient because of it: short messages that link the earlier occurrence, minor updates held by the daily cap or folded into a digest (M7.5)",
    params: IncidentParams,
    query: Query,
    responses: {
      200: {
        description: 'The recurrence and its adaptations',
        schema: z.object({
          incidentId: z.string(),
          recurring: z.boolean(),
          count: z.number(),
          chronic: z.boolean(),
          windowDays: z.number().optional(),
          priorIncidents: z.array(Prior),
          adaptations: z.object({ counts: z.record(z.string(), z.number()), records: z.array(Adaptation) }),
        }),
      },
    },
    errors: { 404: 'Unknown incident' },
    async handler({ params, query, deps }) {
      const models = deps.store.models;
      const summary = found(await models.IncidentSummary.findById(params.id, { recurrence: 1 }).lean(), 'incident');
      const [audit, counts, records] = await Promise.all([
        models.AuditRecord.findOne({ incidentId: params.id, step: 'recurrence-detected' }, { details: 1 }).lean(),
        adaptationCounts(models, params.id),
        adaptationsOf(models, params.id, query.limit),
      ]);
      const details = (audit?.details ?? {}) as { windowDays?: number };
      const priorIds = summary.recurrence?.priorIncidents ?? [];
      const priors = priorIds.length ? await models.IncidentSummary.find({ _id: { $in: priorIds } }, { title: 1, detectedAt: 1, resolvedAt: 1, rootCause: 1, alertFingerprints: 1 }).lean() : [];
      const matched = new Map(((audit?.details as { priorIncidents?: { id: string; matchedBy: 'alert-fingerprint' | 'components' }[] } | undefined)?.priorIncidents ?? []).map((p) => [p.id, p.matchedBy]));
      const byId = new Map(priors.map((p) => [p._id, p]));
      return {
        body: {
          incidentId: params.id,
          recurring: priorIds.length > 0,
          count: summary.recurrence?.count ?? 0,
          chronic: summary.recurrence?.chronic ?? false,
          ...(details.windowDays ? { windowDays: details.windowDays } : {}),
          priorIncidents: priorIds.flatMap((id) => {
            const p = byId.get(id);
            if (!p) return [];
            return [{
              id, title: p.title, detectedAt: p.detectedAt, ...(p.resolvedAt ? { resolvedAt: p.resolvedAt } : {}), ...(p.rootCause ? { rootCause: p.rootCause } : {}),
              matchedBy: matched.get(id) ?? 'components',
            }];
          }),
          adaptations: {
            counts,
            records: records.map((r) => ({
              version: r.version, recipient: r.recipient, ...(r.customerId ? { customerId: r.customerId } : {}), kind: r.kind,
              ...(r.priorIncident ? { priorIncident: r.priorIncident } : {}), at: new Date(r.at).toISOString(),
            })),
          },
        },
      };
    },
  }),
];
