/**
 * What GET /metrics reports about incidents and deliveries, as plain functions of what the store
 * holds (store/metrics.ts reads it at scrape time, api/metrics.ts names the series). Computed from
 * the store rather than counted in a process, every API process answers the same figures however
 * many workers made the deliveries.
 */
import { digestChannel } from '../delivery';
import { severities } from '../incident/core';
import { approvalLatencies, type KpiAuditRecord } from '../kpis';

/** Channels whose per-recipient outcome is a delivery receipt (fan-out and digests): their claims are not counted. */
export const receiptChannels: readonly string[] = ['email', digestChannel];

/** Channels recorded once per version in the channel log only (no claim per recipient): the log's count is what they carried. */
export const channelLogChannels: readonly string[] = ['status-page', 'status-api', 'in-app'];

export interface Grouped {
  channel: string;
  /** A receipt's outcome, or a claim's settled status. */
  outcome: string;
  n: number;
}

export interface ChannelLogTotal {
  channel: string;
  count: number;
  failed: number;
}

export interface MessageCount {
  channel: string;
  outcome: string;
  value: number;
}

/**
 * Messages by channel and outcome: email and digests one per recipient from their receipts (sent,
 * failed, in-doubt-resent); every other claimed channel (webhook, slack, internal-email, internal
 * notices, webhook-notice, outreach) one per settled claim (a claim still `sending` is in flight and
 * not counted yet); the status page, status API and in-app notices from the channel log.
 */
export function messageCounts(receipts: Grouped[], claims: Grouped[], channelLog: ChannelLogTotal[]): MessageCount[] {
  const out = new Map<string, MessageCount>();
  const add = (channel: string, outcome: string, n: number) => {
    const key = `${channel}\u0000${outcome}`;
    const c = out.get(key) ?? { channel, outcome, value: 0 };
    c.value += n;
    out.set(key, c);
  };
  for (const r of receipts) add(r.channel, r.outcome, r.n);
  for (const c of claims) {
    if (!receiptChannels.includes(c.channel) && (c.outcome === 'sent' || c.outcome === 'failed')) add(c.channel, c.outcome, c.n);
  }
  for (const l of channelLog) {
    if (!channelLogChannels.includes(l.channel)) continue;
    add(l.channel, 'sent', l.count);
    if (l.failed) add(l.channel, 'failed', l.failed);
  }
  return [...out.values()].sort((a, b) => a.channel.localeCompare(b.channel) || a.outcome.localeCompare(b.outcome));
}

/** Open incidents by severity, every severity named (0 where none is open), drills left out. */
export function openBySeverity(open: { severity: string; drill?: boolean }[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(severities.map((s) => [s, 0]));
  for (const i of open) if (!i.drill) out[i.severity] = (out[i.severity] ?? 0) + 1;
  return out;
}

/** A near miss as the metrics read it: its kind, and for the gate's the channel and what it found. */
export interface NearMissView {
  kind: string;
  details?: { channel?: unknown; findings?: unknown };
}

export interface GateCounts {
  /** Dispatches the gate stopped, by channel. */
  blocks: Record<string, number>;
  /** Secrets the gate took out of dispatches that went, by channel and finding kind. */
  redactions: { channel: string; kind: string; value: number }[];
  /** Every near miss, by kind. */
  nearMisses: Record<string, number>;
}

/** The gate's blocks and redactions and every near miss (M5.5, M5.6), from the near-miss records. */
export function gateCounts(records: NearMissView[]): GateCounts {
  const blocks: Record<string, number> = {};
  const redactions = new Map<string, { channel: string; kind: string; value: number }>();
  const nearMisses: Record<string, number> = {};
  for (const r of records) {
    nearMisses[r.kind] = (nearMisses[r.kind] ?? 0) + 1;
    const channel = typeof r.details?.channel === 'string' ? r.details.channel : 'unknown';
    if (r.kind === 'blocked-publication') blocks[channel] = (blocks[channel] ?? 0) + 1;
    if (r.kind !== 'redacted-disclosure' || !Array.isArray(r.details?.findings)) continue;
    for (const f of r.details.findings as { kind?: unknown }[]) {
      const kind = typeof f?.kind === 'string' ? f.kind : 'unknown';
      const key = `${channel}\u0000${kind}`;
      const c = redactions.get(key) ?? { channel, kind, value: 0 };
      c.value++;
      redactions.set(key, c);
    }
  }
  return { blocks, redactions: [...redactions.values()], nearMisses };
}

/** The read-model fields the time to first message is measured on. */
export interface FirstMessageView {
  severity: string;
  detectedAt: string;
  firstExternalMessageAt?: string;
  drill?: boolean;
}

/** Seconds from detection to customers' first message, per incident that has one (drills left out). */
export function firstMessageSeconds(incidents: FirstMessageView[]): { severity: string; seconds: number }[] {
  return incidents.flatMap((i) => {
    if (i.drill || !i.firstExternalMessageAt) return [];
    const seconds = (Date.parse(i.firstExternalMessageAt) - Date.parse(i.detectedAt)) / 1000;
    return Number.isFinite(seconds) ? [{ severity: i.severity, seconds: Math.max(0, seconds) }] : [];
  });
}

/** An audit record as far as the approval latency reads it. */
export interface ApprovalAuditView extends KpiAuditRecord {
  incidentId: string;
}

/**
 * Seconds from a version's drafting (or holding statement) to each sign-off of it, by approver
 * role: the KPIs' approval latency (domain/kpis), over the audit records of many incidents.
 */
export function approvalSeconds(records: ApprovalAuditView[]): { role: string; seconds: number }[] {
  const byIncident = new Map<string, ApprovalAuditView[]>();
  for (const r of records) byIncident.set(r.incidentId, [...(byIncident.get(r.incidentId) ?? []), r]);
  return [...byIncident.values()].flatMap((audit) => approvalLatencies(audit).map((a) => ({ role: a.role, seconds: a.minutes * 60 })));
}

/** The audit steps approvalSeconds reads. */
export const approvalSteps = ['drafted', 'holding-statement', 'approved'] as const;

/** The `route` label of a request: the route's template, never the raw URL (one series per route, not per incident). */
export function routeLabel(template: unknown): string {
  return typeof template === 'string' ? template : 'unmatched';
}
