import { impactOf, type Impact } from '../status-page';
import type { ApproverRole } from '../playbooks/constants';
import type { Category, Phase, Severity } from './core';
import type { Recurrence } from './recurrence';

/**
 * The incident as lists, dashboards and searches read it (the read model): a plain function of
 * the incident's state, written to the store by the workflow whenever it changes, numbered by a
 * per-incident `seq` so that a late write never replaces a newer one.
 */

export const incidentStatuses = ['drafting', 'awaiting-approval', 'published', 'resolving', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** Who opened the incident: monitoring (an alert's intake) or a person with a responder key. */
export type DeclaredVia = 'alert' | 'person';

/** The `declaredBy` of an incident that an alert opened: the intake it came through. */
export const alertSources = ['alertmanager', 'generic'] as const;

export interface IncidentSummary {
  id: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  category: Category;
  tags: string[];
  components: string[];
  /** The communication lead now. */
  lead?: string;
  /** The playbook version the incident runs on. */
  playbook?: { id: string; version: number };
  declaredBy: string;
  declaredVia: DeclaredVia;
  /** A drill, not a real incident. */
  drill: boolean;
  detectedAt: string;
  /** Every clock still running, soonest first: step, approval, cadence and contractual deadlines, … */
  openDeadlines: OpenDeadline[];
  /** When the first external message is due (from detection, by the playbook). */
  firstMessageDueAt: string;
  /** When customers got their first message (a holding statement counts). */
  firstExternalMessageAt?: string;
  /** The latest version customers got. */
  lastExternalUpdate?: { version: number; phase: Phase; publishedAt: string };
  /** When customers must hear next: the promised update, or the first message while nothing is out. */
  nextExternalUpdateDueAt?: string;
  /** Approver roles whose sign-off the version waiting for approval still needs. */
  pendingApprovers: ApproverRole[];
  customersAffected: number;
  /** The customers the incident reaches, by tier (its audience). */
  customersByTier: Record<string, number>;
  /** The incident's impact in the words customers read (Statuspage's). */
  impact: Impact;
  resolvedAt?: string;
  /** The fingerprints of the alerts that opened or joined it: a later alert of one repeats it (M7.5). */
  alertFingerprints: string[];
  /** The confirmed root cause, which a recurrence's short message quotes. */
  rootCause?: string;
  /** Earlier incidents of the same problem, found at declaration (M7.5). */
  recurrence?: { count: number; chronic: boolean; priorIncidents: string[] };
  seq: number;
}

/** A deadline still running; a contractual one names the tiers and the number of customers it is owed to. */
export interface OpenDeadline {
  kind: string;
  dueAt: string;
  tiers?: string[];
  customers?: number;
}

/** What the summary is made from: the incident's view (IncidentView), with the facts the view leaves out. */
export interface SummarySource extends Pick<IncidentSummary,
  'id' | 'title' | 'status' | 'severity' | 'category' | 'tags' | 'components' | 'playbook' | 'declaredBy' | 'detectedAt' | 'firstMessageDueAt' | 'customersAffected' | 'resolvedAt'> {
  roles: { 'communication-lead'?: string[] };
  nextUpdateDueAt?: string;
  deadlines: (OpenDeadline & { state: string })[];
  published: { version: number; phase: Phase; publishedAt: string }[];
  requiredApprovers: ApproverRole[];
  approvals: { version: number; role: ApproverRole; decision: string }[];
  currentDraft?: { version: number };
  customersByTier?: Record<string, number>;
  firstPublishedAt?: string;
  drill?: boolean;
  alerts?: { fingerprint: string }[];
  rootCause?: { statement: string };
  recurrence?: Recurrence;
}

export function declaredVia(declaredBy: string): DeclaredVia {
  return (alertSources as readonly string[]).includes(declaredBy) ? 'alert' : 'person';
}

function pendingApprovers(s: SummarySource): ApproverRole[] {
  if (s.status !== 'awaiting-approval' || !s.currentDraft) return [];
  const version = s.currentDraft.version;
  const signed = new Set(s.approvals.filter((a) => a.version === version && a.decision === 'approve').map((a) => a.role));
  return s.requiredApprovers.filter((r) => !signed.has(r));
}

function nextExternalUpdate(s: SummarySource): string | undefined {
  if (s.status === 'resolved') return undefined;
  return s.nextUpdateDueAt ?? (s.published.length ? undefined : s.firstMessageDueAt);
}

function openDeadline(d: OpenDeadline): OpenDeadline {
  return { kind: d.kind, dueAt: d.dueAt, ...(d.tiers ? { tiers: [...d.tiers], customers: d.customers ?? 0 } : {}) };
}

export function incidentSummary(s: SummarySource, seq: number): IncidentSummary {
  const last = s.published[s.published.length - 1];
  const lead = s.roles['communication-lead']?.[0];
  const next = nextExternalUpdate(s);
  return {
    id: s.id, title: s.title, status: s.status, severity: s.severity, category: s.category, tags: [...s.tags], components: [...s.components],
    ...(lead ? { lead } : {}),
    ...(s.playbook ? { playbook: { id: s.playbook.id, version: s.playbook.version } } : {}),
    declaredBy: s.declaredBy, declaredVia: declaredVia(s.declaredBy), drill: s.drill ?? false, detectedAt: s.detectedAt,
    openDeadlines: s.deadlines.filter((d) => d.state === 'open').map(openDeadline).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0)),
    firstMessageDueAt: s.firstMessageDueAt,
    ...(s.firstPublishedAt ? { firstExternalMessageAt: s.firstPublishedAt } : {}),
    ...(last ? { lastExternalUpdate: { version: last.version, phase: last.phase, publishedAt: last.publishedAt } } : {}),
    ...(next ? { nextExternalUpdateDueAt: next } : {}),
    pendingApprovers: pendingApprovers(s),
    customersAffected: s.customersAffected,
    customersByTier: { ...s.customersByTier },
    impact: impactOf(s.severity),
    ...(s.resolvedAt ? { resolvedAt: s.resolvedAt } : {}),
    alertFingerprints: (s.alerts ?? []).map((a) => a.fingerprint),
    ...(s.rootCause ? { rootCause: s.rootCause.statement } : {}),
    ...(s.recurrence ? { recurrence: { count: s.recurrence.count, chronic: s.recurrence.chronic, priorIncidents: s.recurrence.priorIncidents.map((p) => p.id) } } : {}),
    seq,
  };
}

/** Whether two summaries say the same, whatever their numbers: an unchanged incident is not written again. */
export function sameSummary(a: IncidentSummary, b: IncidentSummary): boolean {
  return JSON.stringify({ ...a, seq: 0 }) === JSON.stringify({ ...b, seq: 0 });
}
