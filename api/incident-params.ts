import { z } from 'zod';
import { incidentIdPattern, workflowIdFor } from '../domain/incident';
import type { ApiDeps } from './deps';

/** The `:id` of every incident route: one schema, so each refuses a malformed incident ID alike (400). */
export const IncidentParams = z.object({ id: z.string().regex(incidentIdPattern, 'not a valid incident ID') });
export type IncidentParams = z.infer<typeof IncidentParams>;

/** The incident's workflow; asking it about an incident Herald never ran throws WorkflowNotFoundError (404). */
export function incidentHandle(deps: ApiDeps, incidentId: string) {
  return deps.temporal.workflow.getHandle(workflowIdFor(incidentId));
}

/** 404 for an incident Herald never ran, before a route answers from the store alone. */
export async function assertIncidentExists(deps: ApiDeps, incidentId: string): Promise<void> {
  await incidentHandle(deps, incidentId).describe();
}
