import type { Severity } from './incident';
import type { Contract, CustomerChannel, Preferences, Tier } from './service-model';

/**
 * Who must hear about an incident (M1.4), computed from the dependency graph, subscriptions,
 * contracts and preferences. Pure and deterministic: the incident workflow calls it directly.
 */

/** A customer as the email broadcast sees it. */
export interface Subscriber {
  customerId: string;
  name: string;
  locale: string;
  emails: string[];
  subscriptions: string[];
  preferences?: { channels?: readonly string[] };
}

export interface Recipient {
  customerId: string;
  email: string;
  locale: string;
}

const wantsEmail = (s: Subscriber) => !s.preferences?.channels || s.preferences.channels.includes('email');

/**
 * The email recipients for an incident: every address of every customer subscribed to at least
 * one affected component who has not opted out of email, each address once, in a stable order.
 */
export function emailRecipients(subscribers: Subscriber[], affectedComponents: string[]): Recipient[] {
  const affected = new Set(affectedComponents);
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const s of subscribers) {
    if (!wantsEmail(s) || !s.subscriptions.some((c) => affected.has(c))) continue;
    for (const email of s.emails) {
      const key = email.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ customerId: s.customerId, email, locale: s.locale });
    }
  }
  return out.sort((a, b) => a.email.localeCompare(b.email));
}

/** Deadlines a customer gets when their record carries no contract of its own. */
export const defaultContracts: Record<Tier, Contract> = {
  enterprise: { notifyWithinMinutes: { SEV1: 30, SEV2: 60, SEV3: 240 } },
  business: { notifyWithinMinutes: { SEV1: 60, SEV2: 120 } },
  standard: { notifyWithinMinutes: {} },
};

const severityRank: Record<Severity, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };
const tierRank: Record<Tier, number> = { enterprise: 0, business: 1, standard: 2 };

/** True when `severity` is at least as severe as `threshold`. */
export function atLeastAsSevere(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] <= severityRank[threshold];
}

export interface GraphNode {
  componentId: string;
  dependsOn?: readonly string[];
}

/**
 * Every component an outage reaches: the affected ones and, transitively, everything that
 * depends on them. Cycles in the graph are tolerated; each component is visited once.
 */
export function impactedComponents(graph: GraphNode[], affected: readonly string[]): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const node of graph) {
    for (const dep of node.dependsOn ?? []) dependents.set(dep, [...(dependents.get(dep) ?? []), node.componentId]);
  }
  const seen = new Set<string>();
  const queue = [...affected];
  while (queue.length) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(dependents.get(next) ?? []));
  }
  return seen;
}

/** A customer as the audience computation sees it: the stored record, contacts reduced to what decides channels. */
export interface AudienceCustomer {
  customerId: string;
  tier: Tier;
  locale: string;
  subscriptions: readonly string[];
  emails?: readonly string[];
  webhooks?: readonly { url: string }[];
  phone?: string;
  contract?: Contract;
  preferences?: Partial<Preferences>;
}

export interface AudienceMember {
  customerId: string;
  tier: Tier;
  locale: string;
  /** The customer's subscribed components that the incident reaches, directly or through dependencies. */
  via: string[];
  /** Where the customer is reached: their preferred channels that they have contacts for; in-app always. */
  channels: CustomerChannel[];
  /** The contract's deadline for every severity, so a change of severity needs no second lookup. */
  deadlines: Contract['notifyWithinMinutes'];
  /** The contractual deadline for this incident's severity, in minutes from detection. */
  notifyWithinMinutes?: number;
}

function channelsFor(c: AudienceCustomer): CustomerChannel[] {
  const wanted = c.preferences?.channels;
  const has: Record<CustomerChannel, boolean> = {
    email: (c.emails?.length ?? 0) > 0,
    webhook: (c.webhooks?.length ?? 0) > 0,
    'in-app': true,
    phone: c.tier === 'enterprise' && !!c.phone,
  };
  return (Object.keys(has) as CustomerChannel[]).filter((ch) => has[ch] && (ch === 'in-app' || !wanted || wanted.includes(ch)));
}

/**
 * The customers an incident reaches: the affected components spread to everything depending on
 * them, then to every customer subscribed to any of those. A customer whose preferences ask only
 * for more severe incidents is left out, unless their contract demands notice at this severity.
 * Ordered by contractual deadline (soonest first), then tier, then ID.
 */
export function affectedAudience(
  graph: GraphNode[],
  customers: AudienceCustomer[],
  incident: { components: readonly string[]; severity: Severity },
): AudienceMember[] {
  const impacted = impactedComponents(graph, incident.components);
  const out: AudienceMember[] = [];
  for (const c of customers) {
    const via = c.subscriptions.filter((s) => impacted.has(s));
    if (!via.length) continue;
    const deadlines = (c.contract ?? defaultContracts[c.tier]).notifyWithinMinutes;
    const notifyWithinMinutes = deadlines[incident.severity];
    const threshold = c.preferences?.minimumSeverity ?? 'SEV4';
    if (notifyWithinMinutes === undefined && !atLeastAsSevere(incident.severity, threshold)) continue;
    out.push({
      customerId: c.customerId, tier: c.tier, locale: c.locale, via: [...new Set(via)].sort(),
      channels: channelsFor(c), deadlines, notifyWithinMinutes,
    });
  }
  const deadline = (m: AudienceMember) => m.notifyWithinMinutes ?? Number.POSITIVE_INFINITY;
  return out.sort((a, b) => deadline(a) - deadline(b) || tierRank[a.tier] - tierRank[b.tier] || a.customerId.localeCompare(b.customerId));
}

export interface ContractDeadline {
  notifyWithinMinutes: number;
  /** When the contract is breached if the customers have not been told. */
  dueAt: string;
  /** When to escalate if notice has still not gone out: a quarter of the window before, at most 15 minutes. */
  escalateAt: string;
  customerIds: string[];
  tiers: Tier[];
}

/**
 * The contractual deadlines of an audience at a severity, one group per distinct deadline,
 * soonest first; the workflow turns each into a durable timer. Customers without a contractual
 * deadline at this severity are in no group.
 */
export function contractDeadlines(audience: AudienceMember[], severity: Severity, detectedAt: string): ContractDeadline[] {
  const detected = Date.parse(detectedAt);
  const groups = new Map<number, AudienceMember[]>();
  for (const m of audience) {
    const minutes = m.deadlines[severity];
    if (minutes !== undefined) groups.set(minutes, [...(groups.get(minutes) ?? []), m]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minutes, members]) => {
      const lead = Math.min(15, Math.ceil(minutes / 4));
      return {
        notifyWithinMinutes: minutes,
        dueAt: new Date(detected + minutes * 60_000).toISOString(),
        escalateAt: new Date(detected + (minutes - lead) * 60_000).toISOString(),
        customerIds: members.map((m) => m.customerId).sort(),
        tiers: [...new Set(members.map((m) => m.tier))].sort((a, b) => tierRank[a] - tierRank[b]),
      };
    });
}
