import { affectedAudience, impactedComponents, type AudienceMember, type LegalNotice } from '../domain/audience';
import type { Severity } from '../domain/incident';
import type { Models } from './models';
import { suppressedAmong } from './suppressions';

/**
 * The audience of an incident from the stored graph, customers and suppression list: the one
 * lookup behind every channel, the publication checks and `GET /v1/audience`. Only subscribers
 * of impacted components are loaded, and webhook secrets are left in the store.
 */
export async function loadAudience(
  models: Pick<Models, 'Component' | 'Customer' | 'Suppression'>,
  incident: { components: readonly string[]; severity: Severity },
  options: { legalNotice?: LegalNotice } = {},
): Promise<{ impacted: string[]; audience: AudienceMember[] }> {
  const graph = await models.Component.find({}, { _id: 0, componentId: 1, dependsOn: 1 }).lean();
  const impacted = [...impactedComponents(graph, incident.components)].sort();
  const customers = await models.Customer.find({ subscriptions: { $in: impacted } }, { _id: 0, 'webhooks.secret': 0 }).lean();
  const suppressed = await suppressedAmong(models, customers.flatMap((c) => c.emails ?? []));
  return { impacted, audience: affectedAudience(graph, customers, incident, { suppressed, ...options }) };
}

/** Every component's name by its ID, as people read them. */
export async function componentNames(models: Pick<Models, 'Component'>): Promise<Record<string, string>> {
  const docs = await models.Component.find({}, { _id: 0, componentId: 1, name: 1 }).lean();
  return Object.fromEntries(docs.map((c) => [c.componentId, c.name ?? c.componentId]));
}
