import { z } from 'zod';
import { phases } from '../../domain/incident';
import { versionsQuery } from '../../workflows/messages';
import { defineRoute } from '../route';
import { incidentHandle, IncidentParams } from '../incident-params';

const VersionSummarySchema = z.object({
  version: z.number().int(),
  hash: z.string().describe('Content hash of the version: sign-offs bind to it'),
  phase: z.enum(phases),
  author: z.string(),
  createdAt: z.string(),
  parent: z.number().int().optional().describe('The version this one was edited from'),
  subject: z.string().optional(),
  current: z.boolean().describe('The draft the incident works on now; exactly one version is current'),
  publishedAt: z.string().optional().describe('When this version was published, if it was'),
});

export const versionRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/versions',
    summary: "Every message version of an incident with its parent, author, phase and publication, from its workflow (M3.6)",
    tags: ['incidents'],
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    params: IncidentParams,
    responses: {
      200: { description: 'Versions, oldest first', schema: z.object({ incidentId: z.string(), versions: z.array(VersionSummarySchema) }) },
    },
    errors: {
      404: 'Unknown incident',
    },
    async handler({ params, deps }) {
      // An incident Herald never ran has no workflow: the query throws WorkflowNotFoundError, answered 404.
      const versions = await incidentHandle(deps, params.id).query(versionsQuery);
      return { body: { incidentId: params.id, versions } };
    },
  }),
];
