import type { Severity } from '../incident';
import { customerChannels, type Contract, type CustomerChannel, type Preferences, type Tier } from './service-model';

/**
 * Who must hear about an incident (M1.4), computed from the dependency graph, subscriptions,
 * contracts and preferences. Pure and deterministic: the incident workflow calls it directly.
 */

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

/**
 * A notice the law requires (a data-exposure notice under a breach-notification regime): the
 * playbook names the regime, and the incident's email reaches every affected customer at every
 * address despite channel preferences, the severity floor and the suppression list.
 */
export interface LegalNotice {
  regime: string;
}

/** A playbook's `distribution.legalNotice`: the regime, and the tags that make an incident subject to it (none: every incident of the playbook). */
export interface LegalNoticePolicy {
  regime: string;
  tags?: readonly string[];
}

/** What a legal notice overrode for one member or one address; recorded with each such recipient. */
export const overrideReasons = ['channel-preferences', 'severity-floor', 'suppression'] as const;
export type OverrideReason = (typeof overrideReasons)[number];

export interface AudienceOptions {
  /** Addresses on the suppression list (unsubscribed), lower-cased. */
  suppressed?: ReadonlySet<string>;
  legalNotice?: LegalNotice;
}

export interface AudienceMember {
  customerId: string;
  tier: Tier;
  locale: string;
  /** The customer's subscribed components that the incident reaches, directly or through dependencies. */
  via: string[];
  /** Where the customer is reached: the channels their preferences allow (all when they stated none) that they have contacts for. */
  channels: CustomerChannel[];
  /** The channels the customer's preferences leave out (none when they stated no preference). */
  declined: CustomerChannel[];
  /** The addresses email reaches: every address when email is a channel, less suppressed ones (a legal notice keeps them). */
  emails: string[];
  /** The customer's addresses on the suppression list. */
  suppressed: string[];
  /** Present when a legal notice reaches this customer where preferences, floor or suppression alone would not. */
  override?: { regime: string; overrode: OverrideReason[] };
  /** The contract's deadline for every severity, so a change of severity needs no second lookup. */
  deadlines: Contract['notifyWithinMinutes'];
  /** The contractual deadline for this incident's severity, in minutes from detection. */
  notifyWithinMinutes?: number;
}

/** The channels a customer allows (every channel when they stated no preference) that they have contacts for. */
function channelsFor(c: AudienceCustomer): CustomerChannel[] {
  const wanted = c.preferences?.channels;
  const has: Record<CustomerChannel, boolean> = {
    email: (c.emails?.length ?? 0) > 0,
    webhook: (c.webhooks?.length ?? 0) > 0,
    // Served from the status entry: needs no contact, only the customer's consent.
    'in-app': true,
    phone: c.tier === 'enterprise' && !!c.phone,
  };
  return (Object.keys(has) as CustomerChannel[]).filter((ch) => has[ch] && (!wanted || wanted.includes(ch)));
}

/**
 * The customers an incident reaches, and on which channels: the one audience computation that
 * every channel (email broadcast and digests, webhooks, in-app, outreach), the publication checks
 * and `GET /v1/audience` use. The affected components spread to everything depending on them,
 * then to every customer subscribed to any of those. Then, per customer:
 * - the severity floor (`preferences.minimumSeverity`) leaves out a less severe incident, unless
 *   the customer's contract (or their tier's default contract) demands notice at this severity:
 *   the contract decides whether a customer is told;
 * - channel preferences decide how: only the channels the customer allows, and has contacts for;
 * - suppressed (unsubscribed) addresses get no email;
 * - a legal notice overrides all three for email alone, and says what it overrode.
 * A customer left with no channel stays in the audience (their contractual deadline still counts).
 * Ordered by contractual deadline (soonest first), then tier, then ID.
 */
export function affectedAudience(
  graph: GraphNode[],
  customers: AudienceCustomer[],
  incident: { components: readonly string[]; severity: Severity },
  options: AudienceOptions = {},
): AudienceMember[] {
  const impacted = impactedComponents(graph, incident.components);
  const suppressedSet = options.suppressed ?? new Set<string>();
  const out: AudienceMember[] = [];
  for (const c of customers) {
    const via = c.subscriptions.filter((s) => impacted.has(s));
    if (!via.length) continue;
    const deadlines = (c.contract ?? defaultContracts[c.tier]).notifyWithinMinutes;
    const notifyWithinMinutes = deadlines[incident.severity];
    const threshold = c.preferences?.minimumSeverity ?? 'SEV4';
    const pushed = notifyWithinMinutes !== undefined || atLeastAsSevere(incident.severity, threshold);
    const addresses = [...(c.emails ?? [])];
    const suppressed = addresses.filter((e) => suppressedSet.has(e.toLowerCase()));
    const preferred = pushed ? channelsFor(c) : [];
    const legal = options.legalNotice && addresses.length ? options.legalNotice : undefined;
    if (!pushed && !legal) continue;
    const overrode: OverrideReason[] = [];
    if (legal) {
      if (!pushed) overrode.push('severity-floor');
      else if (!preferred.includes('email')) overrode.push('channel-preferences');
      if (suppressed.length) overrode.push('suppression');
    }
    const channels = legal && !preferred.includes('email') ? (['email', ...preferred] as CustomerChannel[]) : preferred;
    const emails = !channels.includes('email') ? [] : legal ? addresses : addresses.filter((e) => !suppressed.includes(e));
    out.push({
      customerId: c.customerId, tier: c.tier, locale: c.locale, via: [...new Set(via)].sort(),
      channels: emails.length || !channels.includes('email') ? channels : channels.filter((ch) => ch !== 'email'),
      declined: c.preferences?.channels ? customerChannels.filter((ch) => !c.preferences!.channels!.includes(ch)) : [],
      emails, suppressed,
      ...(legal && overrode.length ? { override: { regime: legal.regime, overrode } } : {}),
      deadlines, notifyWithinMinutes,
    });
  }
  const deadline = (m: AudienceMember) => m.notifyWithinMinutes ?? Number.POSITIVE_INFINITY;
  return out.sort((a, b) => deadline(a) - deadline(b) || tierRank[a.tier] - tierRank[b.tier] || a.customerId.localeCompare(b.customerId));
}

/**
 * The accounts of an audience that get a direct call (M3.5): those in the playbook's tiers, unless
 * their preferences leave the phone out. (A legal notice is email's alone: outreach is planned
 * from the audience without it.)
 */
export function outreachAccounts(audience: readonly AudienceMember[], tiers: readonly string[]): AudienceMember[] {
  return audience.filter((m) => tiers.includes(m.tier) && !m.declined.includes('phone'));
}

/** One address of the email channel of an audience. */
export interface Recipient {
  customerId: string;
  email: string;
  locale: string;
  tier: Tier;
  /** What a legal notice overrode to reach this address; absent for an ordinary recipient. */
  override?: { regime: string; overrode: OverrideReason[] };
}

/**
 * The email channel of an audience: each address once (the first customer in audience order
 * keeps a shared address), in a stable order. An address the legal notice reaches only because
 * of a member-wide override, or because it is itself suppressed, carries that override.
 */
export function emailRecipients(audience: readonly AudienceMember[]): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const m of audience) {
    for (const email of m.emails) {
      const key = email.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const overrode = (m.override?.overrode ?? []).filter((r) => r !== 'suppression' || m.suppressed.includes(email));
      out.push({
        customerId: m.customerId, email, locale: m.locale, tier: m.tier,
        ...(m.override && overrode.length ? { override: { regime: m.override.regime, overrode } } : {}),
      });
    }
  }
  return out.sort((a, b) => a.email.localeCompare(b.email));
}

/** The legal notice a playbook's distribution policy forces on an incident, if any: its tags (none: every incident of the playbook) must match. */
export function legalNoticeFor(
  policy: { legalNotice?: LegalNoticePolicy } | undefined,
  incident: { tags?: readonly string[] },
): LegalNotice | undefined {
  const notice = policy?.legalNotice;
  if (!notice) return undefined;
  const tags = notice.tags ?? [];
  return !tags.length || tags.some((t) => incident.tags?.includes(t)) ? { regime: notice.regime } : undefined;
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
