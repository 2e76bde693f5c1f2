import { workflowIdFor, workflowIdPrefix } from '../domain/incident';

/** The fields that tie a log line to an incident: its ID and its workflow's, and the message version when there is one. */
export interface IncidentLogFields {
  incidentId?: string;
  workflowId?: string;
  version?: number;
}

/**
 * From a workflow ID: an incident's own workflow is `incident-<id>`, and the workflows it starts
 * (a broadcast's batches) carry that ID before their own suffix.
 */
export function incidentFields(workflowId: string): IncidentLogFields {
  if (!workflowId.startsWith(workflowIdPrefix)) return { workflowId };
  const incidentId = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(workflowId.slice(workflowIdPrefix.length))?.[0];
  return { workflowId, ...(incidentId ? { incidentId } : {}) };
}

/** From an incident ID, as the API knows it. */
export function incidentFieldsOf(incidentId: string, version?: number): IncidentLogFields {
  return { incidentId, workflowId: workflowIdFor(incidentId), ...(version !== undefined ? { version } : {}) };
}
