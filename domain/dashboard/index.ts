import type { AuditEntry } from '../audit';
import type { IncidentSummary } from '../incident/summary';
import type { ApproverRole } from '../playbooks/constants';
import type { Playbook } from '../playbooks/schema';
import type { Impact } from '../status-page';
import { clocksFromAudit, regulatorySteps } from '../regulatory/audit-clocks';

/**
 * The executive dashboard (M4.3): every open incident in plain words, from its summary (the read
 * model), its playbook's approver contacts and legal notice, and its audit trail. The time is an
 * argument, so the same facts at the same moment always read the same.
 */

export interface DashboardFacts {
  summary: IncidentSummary;
  /** The playbook version the incident runs on, when the store still has it. */
  playbook?: Pick<Playbook, 'approverContacts'> & { distribution: Pick<Playbook['distribution'], 'legalNotice'> };
  /** The incident's audit records, oldest first (only the steps of `dashboardSteps` are needed). */
  audit: Pick<AuditEntry, 'step' | 'at' | 'actor' | 'details'>[];
  /** Component names by ID. */
  componentNames: Record<string, string>;
}

/** A time with what it means now: overdue ones are marked, for colour and by their words. */
export interface Moment {
  at: string;
  words: string;
  overdue: boolean;
}

export interface DashboardIncident {
  id: string;
  title: string;
  severity: IncidentSummary['severity'];
  status: IncidentSummary['status'];
  statusWords: string;
  impact: { level: Impact; label: string; words: string };
  customers: { total: number; tiers: { tier: string; count: number }[] };
  detectedAt: string;
  sinceDetection: string;
  /** When the first external message went out, or when it is due. */
  firstMessage: Moment & { sent: boolean };
  lastUpdate?: Moment & { version: number };
  nextUpdate?: Moment;
  approvals: { role: ApproverRole; roleWords: string; holder: string; backup?: string }[];
  /** Regulatory and contractual clocks running. */
  clocks: { kind: 'contract' | 'regulatory'; words: string; overdue: boolean; dueAt?: string }[];
  timeline: { at: string; time: string; kind: string; words: string }[];
}

export interface DashboardView {
  generatedAt: string;
  openIncidents: number;
  incidents: DashboardIncident[];
}

/** The audit steps the dashboard reads: what a timeline shows, and the drafts an escalation follows. */
export const dashboardSteps = [
  'declared', 'drafted', 'published', 'approved', 'approval-rejected', 'escalated', 'deadline-missed', 'contract-deadline',
  'reclassified', 'handoff-acknowledged', 'root-cause-confirmed', 'publication-blocked', 'resolved',
  ...regulatorySteps,
] as const;

const minute = 60_000;

/** A duration for a person: "under a minute", "12 min", "1 h 5 min", "2 d 3 h". */
export function durationWords(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / minute);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${Math.floor(hours / 24)} d`;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A clock time in UTC, with the day when it is not today's: "14:05 UTC", "3 Mar 14:05 UTC". */
export function clockWords(at: string, now: number): string {
  const t = new Date(at);
  const hhmm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')} UTC`;
  return t.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? hhmm : `${t.getUTCDate()} ${months[t.getUTCMonth()]} ${hhmm}`;
}

/** "14:05 UTC (12 min ago)" or "14:05 UTC (in 12 min)". */
function whenWords(at: string, now: number): string {
  const ms = Date.parse(at) - now;
  return `${clockWords(at, now)} (${ms >= 0 ? `in ${durationWords(ms)}` : `${durationWords(ms)} ago`})`;
}

/** A due time: "due 14:30 UTC (in 5 min)", or overdue, said in words as well as marked. */
function due(at: string, now: number): Moment {
  const late = now > Date.parse(at);
  return { at, overdue: late, words: late ? `Overdue by ${durationWords(now - Date.parse(at))} (was due ${clockWords(at, now)})` : `Due ${whenWords(at, now)}` };
}

const statusWords: Record<IncidentSummary['status'], string> = {
  drafting: 'Drafting the next message',
  'awaiting-approval': 'Message waiting for approval',
  published: 'Customers informed',
  resolving: 'Resolution message on its way',
  resolved: 'Resolved',
};

const impactWords: Record<Impact, { label: string; words: string }> = {
  critical: { label: 'Critical', words: 'Customers cannot use' },
  major: { label: 'Major', words: 'Customers partly cannot use' },
  minor: { label: 'Minor', words: 'Customers see slowness or some errors in' },
  none: { label: 'None', words: 'No customer impact on' },
};

const roleWords: Record<ApproverRole, string> = { legal: 'Legal', pr: 'PR', executive: 'Executive', dpo: 'Data protection officer' };

function list(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function approvals(f: DashboardFacts): DashboardIncident['approvals'] {
  // An approver who did not answer in time was replaced by their backup (an 'escalated' record naming the role).
  const lastDraft = f.audit.reduce((at, r) => (r.step === 'drafted' ? r.at : at), '');
  return f.summary.pendingApprovers.map((role) => {
    const contact = f.playbook?.approverContacts[role];
    const escalated = f.audit.some((r) => r.step === 'escalated' && r.details.role === role && r.at >= lastDraft);
    const holder = escalated ? `${contact?.backup ?? 'the backup'}, after the on-call did not answer` : contact?.onCall ?? 'the on-call approver';
    return { role, roleWords: roleWords[role], holder, ...(contact && !escalated ? { backup: contact.backup } : {}) };
  });
}

function clocks(f: DashboardFacts, now: number): DashboardIncident['clocks'] {
  const s = f.summary;
  const out: DashboardIncident['clocks'] = [];
  for (const d of s.openDeadlines) {
    if (d.kind !== 'contract-breach') continue;
    const who = d.customers ? `${d.customers} ${list(d.tiers ?? [])} customer${d.customers === 1 ? '' : 's'}` : 'affected customers';
    const when = due(d.dueAt, now);
    out.push({ kind: 'contract', dueAt: d.dueAt, overdue: when.overdue, words: `Contractual notice to ${who}: ${when.words[0].toLowerCase()}${when.words.slice(1)}` });
  }
  for (const r of f.audit) {
    if (r.step !== 'contract-deadline' || r.details.breached !== true) continue;
    const customers = Number(r.details.customers) || 0;
    const tiers = Array.isArray(r.details.tiers) ? list(r.details.tiers.map(String)) : '';
    out.push({ kind: 'contract', overdue: true, words: `Contractual notice deadline missed at ${clockWords(String(r.details.dueAt ?? r.at), now)}${customers ? ` for ${customers} ${tiers} customer${customers === 1 ? '' : 's'}` : ''}` });
  }
  // Regulatory clocks running in the incident (X3), as its audit trail records them.
  for (const c of clocksFromAudit(f.audit, now)) {
    if (c.status === 'met') {
      out.push({ kind: 'regulatory', overdue: false, words: `${c.regime}: ${c.name} met at ${clockWords(c.metAt!, now)}${c.citation ? ` (${c.citation})` : ''}`, ...(c.dueAt ? { dueAt: c.dueAt } : {}) });
      continue;
    }
    if (!c.dueAt) {
      out.push({ kind: 'regulatory', overdue: false, words: `${c.regime}: ${c.name}, without undue delay${c.citation ? ` (${c.citation})` : ''}` });
      continue;
    }
    const when = due(c.dueAt, now);
    out.push({ kind: 'regulatory', dueAt: c.dueAt, overdue: when.overdue, words: `${c.regime}: ${c.name}: ${when.words[0].toLowerCase()}${when.words.slice(1)}${c.citation ? ` (${c.citation})` : ''}` });
  }
  const notice = f.playbook?.distribution.legalNotice;
  if (notice && (!notice.tags.length || notice.tags.some((t) => s.tags.includes(t)))) {
    out.push({ kind: 'regulatory', overdue: false, words: `${notice.regime}: notice required, clock running for ${durationWords(now - Date.parse(s.detectedAt))} since detection` });
  }
  return out;
}

function timelineWords(r: DashboardFacts['audit'][number], firstPublished: number | undefined): string | undefined {
  const d = r.details;
  switch (r.step) {
    case 'declared': return `Declared by ${r.actor}`;
    case 'published':
      if (d.channel !== 'status-page') return undefined;
      return Number(d.version) === firstPublished ? `First external message (v${d.version}) published` : `Update v${d.version} published`;
    case 'approved': return `v${d.version} approved by ${r.actor} (${roleWords[d.role as ApproverRole] ?? d.role})`;
    case 'approval-rejected': return `v${d.version} sent back by ${r.actor} (${roleWords[d.role as ApproverRole] ?? d.role})`;
    case 'escalated':
      // A deadline's escalation says why; an escalation rule's says whom it pulled in.
      if (d.reason) return `Escalated: ${d.reason}`;
      return Array.isArray(d.notified) && d.notified.length ? `Escalated to ${list(d.notified.map(String))}` : 'Escalated';
    case 'deadline-missed': return `Deadline missed: ${String(d.step ?? 'a step').replace(/-/g, ' ')}`;
    case 'contract-deadline': return d.breached ? 'Contractual notice deadline missed' : 'Contractual notice deadline near';
    case 'reclassified': return `Reclassified${d.severity ? ` to ${d.severity}` : ''}`;
    case 'handoff-acknowledged': return `Communication lead handed over${d.to ? ` to ${d.to}` : ''}`;
    case 'root-cause-confirmed': return 'Root cause confirmed';
    case 'publication-blocked': return `v${d.version} stopped by the publication checks`;
    case 'resolved': return 'Resolved';
    default: return undefined;
  }
}

function timeline(f: DashboardFacts, now: number): DashboardIncident['timeline'] {
  const published = f.audit.find((r) => r.step === 'published' && r.details.channel === 'status-page');
  const first = published ? Number(published.details.version) : undefined;
  return f.audit.flatMap((r) => {
    const words = timelineWords(r, first);
    return words ? [{ at: r.at, time: clockWords(r.at, now), kind: r.step, words }] : [];
  });
}

function incident(f: DashboardFacts, now: number): DashboardIncident {
  const s = f.summary;
  const detected = Date.parse(s.detectedAt);
  const names = s.components.map((c) => f.componentNames[c] ?? c);
  const impact = impactWords[s.impact];
  const firstMessage: DashboardIncident['firstMessage'] = s.firstExternalMessageAt
    ? { at: s.firstExternalMessageAt, sent: true, overdue: false, words: `${clockWords(s.firstExternalMessageAt, now)}, ${durationWords(Date.parse(s.firstExternalMessageAt) - detected)} after detection` }
    : (() => {
        const d = due(s.firstMessageDueAt, now);
        return { ...d, sent: false, words: `Not yet. ${d.words}` };
      })();
  const last = s.lastExternalUpdate;
  const tiers = Object.entries(s.customersByTier).map(([tier, count]) => ({ tier, count })).sort((a, b) => b.count - a.count || a.tier.localeCompare(b.tier));
  return {
    id: s.id, title: s.title, severity: s.severity, status: s.status, statusWords: statusWords[s.status],
    impact: { level: s.impact, label: impact.label, words: `${impact.words} ${list(names)}` },
    // The audience counted by tier, when it is known; else the number the responders declared.
    customers: { total: tiers.length ? tiers.reduce((n, t) => n + t.count, 0) : s.customersAffected, tiers },
    detectedAt: s.detectedAt,
    sinceDetection: durationWords(now - detected),
    firstMessage,
    ...(last ? { lastUpdate: { at: last.publishedAt, version: last.version, overdue: false, words: `v${last.version} (${last.phase}), ${whenWords(last.publishedAt, now)}` } } : {}),
    ...(s.nextExternalUpdateDueAt ? { nextUpdate: due(s.nextExternalUpdateDueAt, now) } : {}),
    approvals: approvals(f),
    clocks: clocks(f, now),
    timeline: timeline(f, now),
  };
}

const severityOrder = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

/** The dashboard: open incidents, most severe first, then the longest running. */
export function dashboardView(facts: DashboardFacts[], now: number): DashboardView {
  const open = facts
    .filter((f) => f.summary.status !== 'resolved')
    .sort((a, b) => severityOrder.indexOf(a.summary.severity) - severityOrder.indexOf(b.summary.severity) || a.summary.detectedAt.localeCompare(b.summary.detectedAt));
  return { generatedAt: new Date(now).toISOString(), openIncidents: open.length, incidents: open.map((f) => incident(f, now)) };
}
