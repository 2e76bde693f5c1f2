import { contractDeadlines, type ContractDeadline } from '../domain/audience';
import type { Severity } from '../domain/incident';
import type { CustomerChannel, Tier } from '../domain/audience/service-model';
import { loadAudience } from '../store/service-model';
import type { AudienceCollections, StoreDeps } from './deps';

export interface AudiencePlanRequest {
  components: string[];
  severity: Severity;
  detectedAt: string;
}

/** What the workflow needs to know about an audience: counts and deadline groups, not a row per customer. */
export interface AudiencePlan {
  impactedComponents: string[];
  customers: number;
  byTier: Record<Tier, number>;
  byChannel: Record<CustomerChannel, number>;
  /** Deadline groups; customerIds holds at most the first 50 of a group, `customers` counts them all. */
  deadlines: (ContractDeadline & { customers: number })[];
}

const idsPerGroup = 50;

export function createAudienceActivities({ store }: StoreDeps<AudienceCollections>) {
  return {
    /** The audience of an incident and its contractual deadlines, for the workflow's durable timers (M1.4). */
    async planAudience(req: AudiencePlanRequest): Promise<AudiencePlan> {
      const { impacted, audience } = await loadAudience(store.models, req);
      const byTier: Record<Tier, number> = { enterprise: 0, business: 0, standard: 0 };
      const byChannel: Record<CustomerChannel, number> = { email: 0, webhook: 0, 'in-app': 0, phone: 0 };
      for (const m of audience) {
        byTier[m.tier] += 1;
        for (const c of m.channels) byChannel[c] += 1;
      }
      return {
        impactedComponents: impacted,
        customers: audience.length,
        byTier,
        byChannel,
        // Bounded, so a large audience never makes a payload too big for workflow history.
        deadlines: contractDeadlines(audience, req.severity, req.detectedAt).map((g) => ({
          ...g,
          customers: g.customerIds.length,
          customerIds: g.customerIds.slice(0, idsPerGroup),
        })),
      };
    },
  };
}
