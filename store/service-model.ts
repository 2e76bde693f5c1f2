import { affectedAudience, impactedComponents, type AudienceMember } from '../domain/audience';
import type { Severity } from '../domain/incident';
import type { Models } from './models';

/**
 * The audience of an incident from the stored graph and customers. Only subscribers of impacted
 * components are loaded, and webhook secrets are left in the store.
 */
export async function loadAudience(
  models: Pick<Models, 'Component' | 'Customer'>,
  incident: { components: readonly string[]; severity: Severity },
): Promise<{ impacted: string[]; audience: AudienceMember[] }> {
  const graph = await models.Component.find({}, { _id: 0, componentId: 1, dependsOn: 1 }).lean();
  const impacted = [...impactedComponents(graph, incident.components)].sort();
  const customers = await models.Customer.find({ subscriptions: { $in: impacted } }, { _id: 0, 'webhooks.secret': 0 }).lean();
  return { impacted, audience: affectedAudience(graph, customers, incident) };
}
