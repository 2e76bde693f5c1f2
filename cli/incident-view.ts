/** One incident as `herald show` and `herald watch` print it for a person. */
import { table } from './api';

export interface IncidentState {
  id: string; title: string; status: string; severity: string; category: string; components: string[]; firstMessageDueAt: string; nextUpdateDueAt?: string;
  currentDraft?: { version: number; hash: string; phase: string; subject: string; text: string };
  requiredApprovers: string[]; approvals: { version: number; role: string; decision: string }[]; published: { version: number; publishedAt: string }[];
  publishRequested?: number;
  roles?: Record<string, string[] | undefined>;
  decisions?: { id: string; what: string; why: string; by: string; at: string }[];
  handoff?: { from: string; to: string; acknowledgeBy: string };
  blackout?: { until: string; reason: string; by: string };
  held?: { kind: string; description: string }[];
  blockedBy?: { version: number; reasons?: string[] };
  resolvedAt?: string;
}

/** The roles of the current draft's required approvers that have not signed it. */
export function pendingApprovers(s: IncidentState): string[] {
  const draft = s.currentDraft;
  const signed = new Set(s.approvals.filter((a) => a.version === draft?.version && a.decision === 'approve').map((a) => a.role));
  return s.requiredApprovers.filter((r) => !signed.has(r));
}

export function incidentTable(s: IncidentState): string {
  const draft = s.currentDraft;
  const rows: string[][] = [
    ['id', s.id], ['title', s.title], ['status', s.status], ['severity', s.severity], ['category', s.category],
    ['components', s.components.join(', ')],
    ['draft', draft ? `v${draft.version} ${draft.hash} (${draft.phase})` : '-'],
    ['subject', draft?.subject ?? '-'],
    ['pending approvers', pendingApprovers(s).join(', ') || '-'],
    ['published', s.published.map((p) => `v${p.version}`).join(', ') || '-'],
    s.published.length ? ['next update due', s.nextUpdateDueAt ?? '-'] : ['first message due', s.firstMessageDueAt],
  ];
  const lead = s.roles?.['communication-lead']?.join(', ');
  if (lead) rows.push(['communication lead', lead]);
  if (s.handoff) rows.push(['handoff', `${s.handoff.from} -> ${s.handoff.to}, to acknowledge by ${s.handoff.acknowledgeBy}`]);
  if (s.blackout) rows.push(['blackout', `until ${s.blackout.until}: ${s.blackout.reason} (${s.blackout.by})`]);
  if (s.held?.length) rows.push(['held', `${s.held.length} item(s) until the blackout ends`]);
  if (s.blockedBy) rows.push(['blocked', `v${s.blockedBy.version}: ${(s.blockedBy.reasons ?? []).join('; ')}`]);
  for (const d of s.decisions ?? []) rows.push([`decision ${d.id}`, `${d.what} (why: ${d.why}; ${d.by}, ${d.at})`]);
  if (s.resolvedAt) rows.push(['resolved at', s.resolvedAt]);
  return table(['FIELD', 'VALUE'], rows);
}
