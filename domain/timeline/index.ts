/**
 * The incident timeline for the post-incident review (M6.4): two aligned lanes, what happened
 * to the incident (milestones) and what was said to each audience (communications), from the
 * audit records; the lag from each milestone to the next message to each audience; and the
 * messages that contradicted the state at their time. A reviewer's correction of a milestone's
 * time is an annotation: the milestone keeps the time the records give, carries the corrected one
 * beside it, and the lags are measured from the corrected time. Pure over plain records.
 */

import type { Severity } from '../incident/core';
import { componentStatusFor, impactOf, type ComponentStatus } from '../status-page';

export interface TimelineAuditRecord {
  seq: number;
  step: string;
  at: string;
  actor: string;
  details: Record<string, unknown>;
}

export type Milestone = 'detected' | 'declared' | 'identified' | 'mitigated' | 'resolved';
export type Audience = 'customers' | 'internal';

export interface TimelineEvent {
  at: string;
  kind: string;
  detail: string;
  version?: number;
  channel?: string;
}

/** A reviewer's correction of a milestone's time, with why. */
export interface TimelineAnnotation {
  id: string;
  milestone: Milestone;
  /** The time the milestone really happened, as the reviewer found it. */
  at: string;
  note: string;
  by: string;
  annotatedAt: string;
}

export type TimelineMilestone = TimelineEvent & {
  milestone: Milestone;
  /** The latest annotation's time, when a reviewer corrected it; `at` stays what the records say. */
  correctedAt?: string;
  annotations: TimelineAnnotation[];
};

export const milestoneNames = ['detected', 'declared', 'identified', 'mitigated', 'resolved'] as const satisfies readonly Milestone[];

export interface Timeline {
  milestones: TimelineMilestone[];
  communications: Record<Audience, TimelineEvent[]>;
  lags: { milestone: Milestone; audience: Audience; minutes: number | null }[];
  inconsistencies: { at: string; kind: 'resolved-while-alert-firing' | 'locales-published-apart' | 'component-status-differs'; detail: string; version?: number }[];
}

/** An internal notice as its deliveries record it: which, when it first went, to how many. */
export interface TimelineNotice {
  noticeId: string;
  at: string;
  recipients: number;
}

/** A status monitoring set on a component the page still shows (a marker), since when. */
export interface TimelineMarker {
  componentId: string;
  status: ComponentStatus;
  alertName: string;
  setAt: string;
}

/** What the timeline reads besides the audit: internal notices, the page's markers, the incident's severity. */
export interface TimelineContext {
  notices?: readonly TimelineNotice[];
  markers?: readonly TimelineMarker[];
  severity?: Severity;
}

/** The kind of notice a delivery's notice ID names: its words before the first with a digit (`approval-request-v2-legal` → approval-request). */
export function noticeKind(noticeId: string): string {
  const words = noticeId.split('-');
  const end = words.findIndex((w) => /\d/.test(w));
  return (end === -1 ? words : words.slice(0, end)).join('-') || noticeId;
}

/** Notices the audit already puts in the internal lane (one record per update or briefing). */
const auditedNotices = new Set(['internal-update', 'briefing']);

/** The phase a version's words put the incident in: the first version of a phase marks its milestone. */
const phaseMilestone: Record<string, Milestone> = { identified: 'identified', monitoring: 'mitigated', resolved: 'resolved' };

export function incidentTimeline(detectedAt: string, audit: TimelineAuditRecord[], annotations: readonly TimelineAnnotation[] = [], context: TimelineContext = {}): Timeline {
  const records = [...audit].sort((a, b) => a.seq - b.seq);
  const annotated = (milestone: Milestone) => annotations.filter((a) => a.milestone === milestone).sort((a, b) => a.annotatedAt.localeCompare(b.annotatedAt));
  const milestoneOf = (milestone: Milestone, at: string, kind: string, detail: string): TimelineMilestone => {
    const notes = annotated(milestone);
    return { milestone, at, kind, detail, ...(notes.length ? { correctedAt: notes[notes.length - 1].at } : {}), annotations: notes };
  };
  const milestones: Timeline['milestones'] = [milestoneOf('detected', detectedAt, 'detected', 'detected')];
  const seen = new Set<Milestone>(['detected']);
  const mark = (milestone: Milestone, r: TimelineAuditRecord, detail: string) => {
    if (seen.has(milestone)) return;
    seen.add(milestone);
    milestones.push(milestoneOf(milestone, r.at, r.step, detail));
  };
  const communications: Timeline['communications'] = { customers: [], internal: [] };
  const inconsistencies: Timeline['inconsistencies'] = [];
  const phases = new Map<number, string>();
  const alerts = new Map<string, string>();
  for (const r of records) {
    const d = r.details;
    const version = typeof d.version === 'number' ? d.version : undefined;
    switch (r.step) {
      case 'declared':
        mark('declared', r, `declared by ${r.actor}`);
        break;
      case 'drafted':
        if (version !== undefined && typeof d.phase === 'string') phases.set(version, d.phase);
        break;
      case 'alert-joined':
        if (typeof d.fingerprint === 'string') alerts.set(d.fingerprint, String(d.status));
        break;
      case 'root-cause-confirmed':
        mark('identified', r, 'root cause confirmed');
        break;
      case 'resolved':
        mark('resolved', r, 'resolved');
        break;
      case 'published': {
        const phase = version !== undefined ? phases.get(version) : undefined;
        communications.customers.push({ at: r.at, kind: 'published', detail: `v${version} (${phase ?? 'update'}) on ${String(d.channel)}`, ...(version !== undefined ? { version } : {}), channel: String(d.channel) });
        if (d.channel !== 'status-page') break;
        if (phase && phaseMilestone[phase]) mark(phaseMilestone[phase], r, `v${version} says ${phase}`);
        const firing = [...alerts.entries()].filter(([, status]) => status === 'firing').map(([f]) => f);
        if (phase === 'resolved' && firing.length) {
          inconsistencies.push({ at: r.at, kind: 'resolved-while-alert-firing', detail: `v${version} says resolved while ${firing.join(', ')} still fires`, version });
        }
        // What the page shows for a component against what the version says of it.
        if (context.severity && version !== undefined) {
          const said: ComponentStatus = phase === 'resolved' ? 'operational' : componentStatusFor[impactOf(context.severity)];
          for (const m of context.markers ?? []) {
            if (Date.parse(m.setAt) > Date.parse(r.at) || m.status === said) continue;
            inconsistencies.push({
              at: r.at, kind: 'component-status-differs', version,
              detail: `v${version} says ${phase ?? 'update'} (${said}) while the page shows ${m.componentId} as ${m.status} (monitoring: ${m.alertName}, since ${m.setAt})`,
            });
          }
        }
        const locales = Array.isArray(d.locales) ? d.locales.map(String) : [];
        const missing = (Array.isArray(d.requiredLocales) ? d.requiredLocales.map(String) : []).filter((l) => !locales.includes(l));
        if (missing.length) inconsistencies.push({ at: r.at, kind: 'locales-published-apart', detail: `v${version} left without ${missing.join(', ')}`, version });
        break;
      }
      case 'holding-statement':
        break;
      case 'channels-delivered':
        communications.customers.push({ at: r.at, kind: 'channels-delivered', detail: `v${version} on the other channels`, ...(version !== undefined ? { version } : {}) });
        break;
      case 'internal-update':
        communications.internal.push({ at: r.at, kind: 'internal-update', detail: `${String(d.level)} update` });
        break;
      case 'briefing':
        communications.internal.push({ at: r.at, kind: 'briefing', detail: `briefing ${String(d.number)}` });
        break;
      // Regulatory clocks (X3): started, a filing recorded (its evidence), a deadline missed.
      case 'regulatory-clock-started':
        communications.internal.push({ at: r.at, kind: 'regulatory-clock', detail: `${String(d.regime)} clock started (${String(d.how)})` });
        break;
      case 'regulatory-evidence':
        communications.internal.push({ at: r.at, kind: 'regulatory-filing', detail: `${String(d.regime)} ${String(d.phase)} met${d.late ? ' late' : ''}: sent to ${Array.isArray(d.sentTo) ? d.sentTo.join(', ') : ''}` });
        break;
      case 'regulatory-deadline-missed':
        communications.internal.push({ at: r.at, kind: 'regulatory-missed', detail: `${String(d.regime)} ${String(d.phase)} deadline ${String(d.dueAt)} passed unmet` });
        break;
    }
  }
  for (const n of context.notices ?? []) {
    if (auditedNotices.has(noticeKind(n.noticeId))) continue;
    communications.internal.push({ at: n.at, kind: 'notice', detail: `${noticeKind(n.noticeId)} notice (${n.noticeId}) to ${n.recipients} ${n.recipients === 1 ? 'person' : 'people'}` });
  }
  communications.internal.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const lags: Timeline['lags'] = [];
  for (const m of milestones) {
    const from = m.correctedAt ?? m.at;
    for (const audience of ['customers', 'internal'] as const) {
      const next = communications[audience].find((c) => Date.parse(c.at) >= Date.parse(from));
      lags.push({ milestone: m.milestone, audience, minutes: next ? Math.round((Date.parse(next.at) - Date.parse(from)) / 600) / 100 : null });
    }
  }
  return { milestones, communications, lags, inconsistencies };
}
