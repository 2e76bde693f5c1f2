import { z } from 'zod';
import { nearMissKinds } from '../../domain/gate/near-misses';
import { defineRoute } from '../route';
import { assertIncidentExists, IncidentParams } from '../incident-params';

export const nearMissRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/near-misses',
    summary: 'What almost went out and was stopped: blocked publications, redactions, unapproved publish attempts, locale inconsistencies',
    tags: ['incidents'],
    roles: ['manager'],
    params: IncidentParams,
    query: z.object({ kind: z.enum(nearMissKinds).optional() }),
    responses: {
      200: {
        description: 'Near misses, oldest first',
        schema: z.object({ incidentId: z.string(), nearMisses: z.array(z.object({ kind: z.string(), at: z.string(), details: z.any(), actor: z.string().optional() })) }),
      },
    },
    errors: {
      404: 'Unknown incident',
    },
    async handler({ params, query, deps }) {
      const filter = { incidentId: params.id, ...(query.kind ? { kind: query.kind } : {}) };
      const docs = await deps.store.models.NearMiss.find(filter, { _id: 0, __v: 0, key: 0 }).sort({ at: 1 }).lean();
      if (!docs.length) await assertIncidentExists(deps, params.id);
      const nearMisses = docs.map((d) => ({ kind: d.kind, at: new Date(d.at).toISOString(), details: d.details, ...(d.actor ? { actor: d.actor } : {}) }));
      return { body: { incidentId: params.id, nearMisses } };
    },
  }),
];
