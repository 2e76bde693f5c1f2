/**
 * Support-ticket correlation (M6.2): which incident a ticket belongs to, and how ticket volume
 * moved against the moments messages went out. Pure: the store's tickets, incidents and marks are
 * arguments, and so is the time.
 */

export const bucketMs = 5 * 60_000;

/** A customer segment: the tier of the customer who wrote, or `unknown` when no customer matched. */
export type Segment = string;
export const unknownSegment = 'unknown';

export interface CorrelationPolicy {
  /** How long before detection a ticket may already belong to the incident (customers notice first). */
  leadMs: number;
  /** How long after resolution tickets still belong to it. */
  tailMs: number;
  /** The window before detection (less the lead) whose tickets give each segment's baseline rate. */
  baselineMs: number;
  /** A bucket surges when its count is at least this multiple of the segment's baseline per bucket … */
  surgeFactor: number;
  /** … and at least this many tickets (a quiet segment's one ticket is no surge). */
  minSurgeTickets: number;
  /** No publication mark for this long is a silent gap (before the first mark, it always is one). */
  silenceMs: number;
  /** The window on either side of a message whose ticket rates are compared. */
  deltaWindowMs: number;
}

export const defaultCorrelationPolicy: CorrelationPolicy = {
  leadMs: 30 * 60_000,
  tailMs: 60 * 60_000,
  baselineMs: 24 * 60 * 60_000,
  surgeFactor: 3,
  minSurgeTickets: 3,
  silenceMs: 30 * 60_000,
  deltaWindowMs: 30 * 60_000,
};

// --- matching a ticket to an incident ---------------------------------------------------------

export interface CandidateIncident {
  id: string;
  detectedAt: string;
  resolvedAt?: string;
  /** The incident's components and everything that depends on them. */
  impacted: readonly string[];
}

export interface TicketFacts {
  at: number;
  /** Components the ticket names (its tags, fields or words). */
  components: readonly string[];
  /** The subscriptions of the customer who wrote, when one matched. */
  customerSubscriptions?: readonly string[];
}

export type MatchReason = 'time' | 'component' | 'customer';
export interface TicketMatch {
  incidentId: string;
  reasons: MatchReason[];
}

/**
 * The incident a ticket belongs to: it must fall in the incident's window (from the lead before
 * detection to the tail after resolution) and name one of its impacted components or come from a
 * customer subscribed to one. Both beat one; then the incident detected last (the nearer in time).
 */
export function matchIncident(t: TicketFacts, incidents: readonly CandidateIncident[], policy: CorrelationPolicy = defaultCorrelationPolicy): TicketMatch | undefined {
  let best: { m: TicketMatch; score: number; detected: number } | undefined;
  for (const i of incidents) {
    const detected = Date.parse(i.detectedAt);
    const end = i.resolvedAt ? Date.parse(i.resolvedAt) + policy.tailMs : Infinity;
    if (t.at < detected - policy.leadMs || t.at > end) continue;
    const impacted = new Set(i.impacted);
    const reasons: MatchReason[] = ['time'];
    if (t.components.some((c) => impacted.has(c))) reasons.push('component');
    if (t.customerSubscriptions?.some((c) => impacted.has(c))) reasons.push('customer');
    if (reasons.length < 2) continue;
    const score = reasons.length;
    if (!best || score > best.score || (score === best.score && detected > best.detected)) best = { m: { incidentId: i.id, reasons }, score, detected };
  }
  return best?.m;
}

/** The components a ticket names: labels equal to a component ID, or a component's name in its words. */
export function componentsNamed(labels: readonly string[], words: string, components: readonly { componentId: string; name: string }[]): string[] {
  const lower = words.toLowerCase();
  const tags = new Set(labels.map((l) => l.toLowerCase()));
  return components
    .filter((c) => tags.has(c.componentId.toLowerCase()) || (c.name.length >= 3 && lower.includes(c.name.toLowerCase())))
    .map((c) => c.componentId);
}

/** The customer a ticket comes from: named outright, by organisation (ID or name), or by the requester's email domain. */
export function customerOf<C extends { customerId: string; name: string; emails: readonly string[] }>(
  t: { customerId?: string; organization?: string; requesterEmail?: string },
  customers: readonly C[],
): C | undefined {
  if (t.customerId) return customers.find((c) => c.customerId === t.customerId);
  const org = t.organization?.trim().toLowerCase();
  if (org) {
    const byOrg = customers.find((c) => c.customerId.toLowerCase() === org || c.name.toLowerCase() === org);
    if (byOrg) return byOrg;
  }
  const domain = t.requesterEmail?.split('@')[1]?.toLowerCase();
  if (!domain) return undefined;
  return customers.find((c) => c.emails.some((e) => e.toLowerCase().endsWith(`@${domain}`)));
}

// --- volume against the publication marks -----------------------------------------------------

export interface TicketPoint {
  at: number;
  segment: Segment;
}

export interface PublicationMark {
  version: number;
  phase: string;
  at: number;
}

export interface CorrelationInput {
  detectedAt: number;
  /** The end of the incident's window (resolution plus the tail), or now while it is open. */
  endAt: number;
  /** The incident's tickets. */
  tickets: readonly TicketPoint[];
  /** Every ticket of the baseline window before the incident, whatever it was about. */
  baselineTickets: readonly TicketPoint[];
  marks: readonly PublicationMark[];
  /** When each segment first got a message (email delivered), if it did. */
  firstMessageAt: Readonly<Record<Segment, number | undefined>>;
  /** The segments the incident's audience is made of. */
  audienceSegments: readonly Segment[];
}

export interface Bucket {
  start: number;
  tickets: number;
  bySegment: Record<Segment, number>;
  /** Segments whose count here is well above their baseline. */
  surging: Segment[];
  /** No publication mark within the silence before this bucket's end (or none yet). */
  silent: boolean;
}

export interface CoverageGap {
  from: number;
  to: number;
  tickets: number;
  surgingSegments: Segment[];
  /** Segments (of the audience, or surging) that no message had reached by the gap's end. */
  segmentsWithoutMessage: Segment[];
}

export interface RateDelta {
  version: number;
  phase: string;
  at: number;
  /** Tickets per 5 minutes in the window before the message and after it. */
  ratePerBucketBefore: number;
  ratePerBucketAfter: number;
  change: number;
}

export interface Correlation {
  buckets: Bucket[];
  /** Tickets per 5 minutes each segment had before the incident. */
  baselinePerBucket: Record<Segment, number>;
  gaps: CoverageGap[];
  deltas: RateDelta[];
}

/** At most a week of buckets: a longer incident is reported from its detection for a week. */
const maxBuckets = 7 * 24 * 12;

const round = (n: number) => Math.round(n * 100) / 100;

export function correlate(input: CorrelationInput, policy: CorrelationPolicy = defaultCorrelationPolicy): Correlation {
  const first = Math.floor((input.detectedAt - policy.leadMs) / bucketMs) * bucketMs;
  const lastTicket = Math.max(input.detectedAt, ...input.tickets.map((t) => t.at));
  const last = Math.min(Math.max(input.endAt, lastTicket), first + (maxBuckets - 1) * bucketMs);
  const baselineBuckets = policy.baselineMs / bucketMs;
  const baselinePerBucket: Record<Segment, number> = {};
  for (const t of input.baselineTickets) baselinePerBucket[t.segment] = (baselinePerBucket[t.segment] ?? 0) + 1;
  for (const s of Object.keys(baselinePerBucket)) baselinePerBucket[s] = round(baselinePerBucket[s] / baselineBuckets);
  const threshold = (s: Segment) => Math.max(policy.minSurgeTickets, Math.ceil(policy.surgeFactor * (baselinePerBucket[s] ?? 0)));
  const marks = [...input.marks].sort((a, b) => a.at - b.at);

  const buckets: Bucket[] = [];
  for (let start = first; start <= last; start += bucketMs) {
    const end = start + bucketMs;
    const inside = input.tickets.filter((t) => t.at >= start && t.at < end);
    const bySegment: Record<Segment, number> = {};
    for (const t of inside) bySegment[t.segment] = (bySegment[t.segment] ?? 0) + 1;
    const lastMark = [...marks].reverse().find((m) => m.at < end);
    const silent = !lastMark || end - lastMark.at > policy.silenceMs;
    const surging = Object.keys(bySegment).filter((s) => bySegment[s] >= threshold(s)).sort();
    buckets.push({ start, tickets: inside.length, bySegment, surging, silent });
  }

  const gaps: CoverageGap[] = [];
  for (const b of buckets) {
    if (!b.silent || !b.surging.length) continue;
    const end = b.start + bucketMs;
    const prev = gaps[gaps.length - 1];
    const gap = prev && prev.to === b.start ? prev : undefined;
    const surgingSegments = [...new Set([...(gap?.surgingSegments ?? []), ...b.surging])].sort();
    const segmentsWithoutMessage = [...new Set([...input.audienceSegments, ...surgingSegments])]
      .filter((s) => s !== unknownSegment && !(input.firstMessageAt[s] !== undefined && input.firstMessageAt[s]! < end))
      .sort();
    if (gap) Object.assign(gap, { to: end, tickets: gap.tickets + b.tickets, surgingSegments, segmentsWithoutMessage });
    else gaps.push({ from: b.start, to: end, tickets: b.tickets, surgingSegments, segmentsWithoutMessage });
  }

  const windowBuckets = policy.deltaWindowMs / bucketMs;
  const deltas = marks.map((m) => {
    const before = input.tickets.filter((t) => t.at >= m.at - policy.deltaWindowMs && t.at < m.at).length / windowBuckets;
    const after = input.tickets.filter((t) => t.at >= m.at && t.at < m.at + policy.deltaWindowMs).length / windowBuckets;
    return { version: m.version, phase: m.phase, at: m.at, ratePerBucketBefore: round(before), ratePerBucketAfter: round(after), change: round(after - before) };
  });
  return { buckets, baselinePerBucket, gaps, deltas };
}
