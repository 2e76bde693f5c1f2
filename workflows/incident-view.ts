import type { IncidentInput } from '../domain/incident';
import { iso, minute, nextUpdateDueAt } from '../domain/incident/deadlines';
import type { IncidentData } from './incident-state';
import type { IncidentView, VersionBody, VersionSummary } from './messages';
import { contractualNoticeViews, regulatoryViews } from './regulatory';
import { vendorObligationsView } from './vendor-obligations';

/** How the incident's queries show its state: plain functions of the aggregate's data. */

/** Every version the incident still knows, oldest first (bodies of very old ones are in the audit archive). */
export function versionSummaries(d: IncidentData): VersionSummary[] {
  const publishedAt = (v: number) => d.published.find((p) => p.version === v)?.publishedAt;
  const log = d.versionLog.map((v) => ({
    version: v.version, hash: v.hash, phase: v.phase, author: v.author, createdAt: v.createdAt, parent: v.parent, subject: v.subject,
    current: false, publishedAt: publishedAt(v.version),
  }));
  const x = d.draft;
  return x
    ? [...log, { version: x.version, hash: x.hash, phase: x.phase, author: x.author, createdAt: x.createdAt, parent: x.parent, subject: x.subject, current: true, publishedAt: publishedAt(x.version) }]
    : log;
}

/** A version's wording while the incident still holds it. */
export function versionBody(d: IncidentData, version: number): VersionBody | undefined {
  if (d.draft?.version === version) return { version, subject: d.draft.subject, text: d.draft.text };
  const v = d.versionLog.find((x) => x.version === version);
  return v?.text !== undefined ? { version, subject: v.subject ?? '', text: v.text } : undefined;
}

function firstMessageDueAt(d: IncidentData): number {
  const step = d.deadlines.find((x) => x.kind === 'step' && x.step === 'first-external-message');
  return step?.dueAt ?? Date.parse(d.input.detectedAt) + 15 * minute;
}

export function incidentView(d: IncidentData): IncidentView {
  const { input, draft } = d;
  const nextDue = nextUpdateDueAt(d.deadlines);
  return {
    id: input.id,
    title: input.title,
    category: input.category,
    severity: d.severity,
    tags: d.tags,
    scope: input.scope ?? 'single',
    components: input.components,
    summary: input.summary,
    status: d.status,
    detectedAt: input.detectedAt,
    declaredBy: input.declaredBy,
    playbook: { id: d.playbook.id, version: d.playbook.version },
    firstMessageDueAt: iso(firstMessageDueAt(d)),
    nextUpdateDueAt: nextDue ? iso(nextDue) : undefined,
    roles: d.roles,
    currentDraft: draft && {
      version: draft.version, hash: draft.hash, parent: draft.parent, phase: draft.phase, subject: draft.subject, text: draft.text,
      author: draft.author, createdAt: draft.createdAt, rootCause: draft.rootCause, decisionIds: draft.decisionIds,
      locale: draft.locale, templateId: draft.templateId,
      translations: draft.translations && Object.fromEntries(Object.entries(draft.translations).map(([l, t]) => [l, { subject: t.subject, text: t.text }])),
    },
    rootCause: d.rootCause,
    requiredApprovers: d.requiredApprovers,
    approvals: d.signoffs,
    publishRequested: d.publishRequested,
    published: d.published,
    escalations: d.escalations,
    deadlines: d.deadlines.map((dl) => ({
      id: dl.id, kind: dl.kind === 'step' ? `step:${dl.step}` : dl.tracked ? `tracked:${dl.tracked.tracker}:${dl.tracked.key}:${dl.tracked.purpose}` : dl.kind, dueAt: iso(dl.dueAt), owner: dl.owner, backup: dl.backup,
      state: dl.state, firedAt: dl.firedAt ? iso(dl.firedAt) : undefined, ...(dl.tiers ? { tiers: dl.tiers, customers: dl.customers } : {}),
    })),
    decisions: d.decisions,
    handoff: d.handoff && {
      from: d.handoff.from, to: d.handoff.to, notes: d.handoff.notes, requestedAt: iso(d.handoff.requestedAt),
      acknowledgeBy: iso(d.deadlines.find((x) => x.id === d.handoff!.deadlineId)?.dueAt ?? 0),
    },
    handoffs: d.handoffs,
    blackout: d.blackout && { until: iso(d.blackout.until), reason: d.blackout.reason, by: d.blackout.by, startedAt: iso(d.blackout.startedAt) },
    held: d.held.map((h) => ({ kind: h.item.kind, description: h.description, heldAt: iso(h.heldAt) })),
    overrides: d.overrides,
    alerts: d.alerts.map((a) => ({ fingerprint: a.fingerprint, alertName: a.alertName, status: a.status, count: a.count, firstSeenAt: a.firstSeenAt, lastSeenAt: a.lastSeenAt })),
    ...(d.blocked ? { blockedBy: d.blocked } : {}),
    reviews: d.reviews,
    internalUpdates: d.internalUpdates,
    briefings: d.briefings,
    run: d.run,
    resolvedAt: d.resolvedAt,
    ...(d.recurrence ? { recurrence: d.recurrence } : {}),
    ...(d.vendors ? { vendors: vendorObligationsView(d.vendors) } : {}),
    ...(d.regulatory ? { regulatoryClocks: regulatoryViews(d.regulatory, Date.now()), contractualNotices: contractualNoticeViews(d.deadlines, Date.now()) } : {}),
  };
}

/** What the incident looks like before its playbook is loaded (the first seconds of the first run). */
export function declaringView(input: IncidentInput): IncidentView {
  return {
    id: input.id, title: input.title, category: input.category, severity: input.severity, tags: input.tags ?? [],
    scope: input.scope ?? 'single', components: input.components, summary: input.summary, status: 'drafting',
    detectedAt: input.detectedAt, declaredBy: input.declaredBy, firstMessageDueAt: input.detectedAt, roles: {},
    requiredApprovers: [], approvals: [], published: [], escalations: [], deadlines: [], decisions: [], handoffs: [],
    held: [], overrides: [], alerts: [], reviews: [], internalUpdates: 0, briefings: 0, run: 1,
  };
}
