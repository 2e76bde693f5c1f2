import type { Playbook } from '../playbooks/schema';

/** An affected component and the service domain it belongs to. */
export interface ComponentDomain {
  componentId: string;
  service: string;
}

export interface TechnicalReviewer {
  serviceDomain: string;
  reviewer: string;
  backup: string;
  /** The affected components of this domain, sorted. */
  components: string[];
  /** No owner is named for the domain, so the playbook's default reviewer checks it. */
  fallback: boolean;
}

/**
 * The communication owner of each service domain the incident touches, who reviews messages for
 * technical accuracy; one reviewer per domain, domains in alphabetical order.
 */
export function technicalReviewers(playbook: Playbook, affected: readonly ComponentDomain[]): TechnicalReviewer[] {
  const byDomain = new Map<string, Set<string>>();
  for (const c of affected) byDomain.set(c.service, (byDomain.get(c.service) ?? new Set()).add(c.componentId));
  const fallback = playbook.roles.reviewer;
  return [...byDomain.keys()].sort().map((serviceDomain) => {
    const owner = playbook.communicationOwners.find((o) => o.serviceDomain === serviceDomain);
    return {
      serviceDomain,
      reviewer: owner?.owner ?? fallback.onCall,
      backup: owner?.backup ?? fallback.backup,
      components: [...byDomain.get(serviceDomain)!].sort(),
      fallback: !owner,
    };
  });
}
