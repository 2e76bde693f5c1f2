import type { ApproverRole, Audience, DeadlineStep, IncidentRole } from '../playbooks/constants';
import type { Category, Severity } from './core';
import { iso } from './deadlines';
import type { Recurrence } from './recurrence';

/**
 * The texts of Herald's internal notices (to staff, never to customers), one builder each, kept
 * apart from the workflow that decides when they go out.
 */
export interface Notice {
  subject: string;
  text: string;
}

export interface IncidentRef {
  id: string;
  title: string;
  severity: Severity;
}

const tag = (i: IncidentRef) => `[${i.severity}] ${i.title}`;

export function declaredNotice(i: IncidentRef & { declaredBy: string; summary: string }, playbook: { id: string; version: number }, withReviewers: boolean): Notice {
  return {
    subject: `[${i.severity}] Incident declared: ${i.title}`,
    text: `Incident ${i.id} was declared by ${i.declaredBy}. You are the communication lead${withReviewers ? ' / technical reviewer' : ''}.\nPlaybook: ${playbook.id} v${playbook.version}.\n\n${i.summary}`,
  };
}

export function approvalRequestNotice(i: IncidentRef, role: ApproverRole, draft: { version: number; hash: string; subject: string; text: string }): Notice {
  return {
    subject: `[${i.severity}] Approval needed (${role}): ${draft.subject}`,
    text: `Incident ${i.id} needs your sign-off as ${role} on version ${draft.version} (hash ${draft.hash}).\n\n${draft.text}`,
  };
}

export function rejectedNotice(version: number, role: ApproverRole, reason: string | undefined): Notice {
  return { subject: `Draft v${version} sent back by ${role}`, text: `Reason: ${reason}` };
}

export function handoffNotice(i: IncidentRef, from: string, notes: string, acknowledgeBy: number): Notice {
  return {
    subject: `Handoff: you are asked to take over communication for ${i.id}`,
    text: `From ${from}:\n\n${notes}\n\nAcknowledge by ${iso(acknowledgeBy)}.`,
  };
}

export function handoffEscalationNotice(i: IncidentRef, h: { from: string; to: string }): Notice {
  return {
    subject: `${tag(i)}: handoff not acknowledged`,
    text: `${h.to} did not acknowledge the handoff from ${h.from} in time; ${h.from} still owns communication.`,
  };
}

export function stepMissedReason(step: DeadlineStep | undefined, role: IncidentRole | ApproverRole | undefined, dueAt: number): string {
  return `deadline for ${step} (${role}) passed at ${iso(dueAt)}`;
}

export function deadlineMissedNotice(i: IncidentRef, step: DeadlineStep | undefined, reason: string, owner: string | undefined): Notice {
  return { subject: `${tag(i)}: deadline missed (${step})`, text: `Incident ${i.id}: ${reason}. ${owner} owns the step; you are the backup.` };
}

export function approvalTimeoutReason(role: IncidentRole | ApproverRole | undefined, version: number | undefined): string {
  return `${role} did not sign version ${version} in time`;
}

export function approvalTimeoutNotice(i: IncidentRef, dl: { role?: string; owner?: string; version?: number }, reason: string, draftText: string): Notice {
  return {
    subject: `${tag(i)}: approval needed from you (${dl.role} backup)`,
    text: `Incident ${i.id}: ${reason}; ${dl.owner} has not answered. Please review version ${dl.version}.\n\n${draftText}`,
  };
}

export function reminderNotice(i: IncidentRef, dueAt: number): Notice {
  return { subject: `${tag(i)}: next update due at ${iso(dueAt)}`, text: `The next customer update for ${i.id} is due soon.` };
}

export function overdueNotice(i: IncidentRef, dueAt: number): Notice {
  return { subject: `${tag(i)}: customer update overdue`, text: `The update for ${i.id} was due at ${iso(dueAt)}.` };
}

export function fatigueNotice(i: IncidentRef, hours: number): Notice {
  return {
    subject: `${tag(i)}: time to hand off?`,
    text: `You have owned communication for ${i.id} for ${hours} hours. Consider handing off (POST /v1/incidents/${i.id}/handoffs).`,
  };
}

export function contractReason(breach: boolean, dl: { customers?: number; tiers?: string[]; contractDueAt?: number }): string {
  const who = `${dl.customers} ${dl.tiers?.join('/')} customer(s)`;
  return breach
    ? `contractual notice to ${who} was due at ${iso(dl.contractDueAt!)} and nothing has been published`
    : `contractual notice to ${who} is due at ${iso(dl.contractDueAt!)}; nothing has been published yet`;
}

export function contractNotice(i: IncidentRef, breach: boolean, reason: string): Notice {
  return {
    subject: `${tag(i)}: ${breach ? 'contract breached' : 'contract deadline approaching'}`,
    text: `Incident ${i.id}: ${reason}. Publish the first customer message now (the holding statement counts).`,
  };
}

export function escalationNotice(i: IncidentRef, reason: string, audiences: Audience[]): Notice {
  return {
    subject: `[${i.severity}] Escalation: ${i.title}`,
    text: `Incident ${i.id} meets escalation criteria: ${reason}.\nYou are notified as: ${audiences.join(', ')}.`,
  };
}

export function internalUpdateNotice(i: IncidentRef, audience: Audience, u: { summary: string; technicalDetails?: string }): Notice {
  return {
    subject: `${tag(i)}: update for ${audience}`,
    text: audience === 'engineering' ? `${u.summary}\n\nTechnical details:\n${u.technicalDetails ?? '(none)'}` : u.summary,
  };
}

export function blockedNotice(i: IncidentRef, version: number, reasons: string[], where: string): Notice {
  return {
    subject: `[${i.severity}] ${i.id}: version ${version} was not published`,
    text: [
      `Version ${version} of the customer message for "${i.title}" was stopped before it left (${where}):`,
      ...reasons.map((r) => `- ${r}`),
      '',
      `Fix the draft (POST /v1/incidents/${i.id}/drafts) or get what it needs, then publish again.`,
      `The near misses are at GET /v1/incidents/${i.id}/near-misses.`,
    ].join('\n'),
  };
}

export function lateNotice(i: IncidentRef, version: number, lag: { boundMs: number; late: { channel: string; lagMs: number }[] }): Notice {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return {
    subject: `[${i.severity}] ${i.id}: version ${version} reached some channels late`,
    text: [
      `Version ${version} of the customer message for "${i.title}" reached these channels more than ${seconds(lag.boundMs)} after the status page:`,
      ...lag.late.map((l) => `- ${l.channel}: ${seconds(l.lagMs)} behind`),
      '',
      `Each channel's timing is at GET /v1/incidents/${i.id}/channels.`,
    ].join('\n'),
  };
}

/** What a briefing of support and account management says (M4.3). */
interface BriefingFacts {
  number: number;
  category: Category;
  minutesOpen: number;
  latest?: { version: number; subject: string; publishedAt: string; text?: string };
  decisions: string[];
  nextUpdateDueAt?: number;
  escalationPath: string;
}

export function briefingNotice(i: IncidentRef, b: BriefingFacts): Notice {
  const talkingPoints = b.latest
    ? `${b.latest.subject}\n(See version ${b.latest.version}, published ${b.latest.publishedAt}.)\n\n${b.latest.text ?? ''}`
    : 'Nothing has been published yet; say that we are investigating and that updates will follow on the status page.';
  const decisions = b.decisions.map((what) => `- ${what}`).join('\n') || '- none recorded';
  return {
    subject: `[${i.severity}] Briefing #${b.number}: ${i.title}`,
    text: [
      `Briefing for incident ${i.id} (${i.severity}, ${b.category}), open ${b.minutesOpen} minutes.`,
      `\nApproved talking points:\n${talkingPoints}`,
      `\nWhat to say: only what the approved update says; point customers to the status page.`,
      `What not to say: root-cause guesses, internal system names, timelines we have not published.`,
      `\nDecisions so far:\n${decisions}`,
      `\nNext customer update due: ${b.nextUpdateDueAt ? iso(b.nextUpdateDueAt) : 'when the first message is approved'}.`,
      `\nEscalation path: ${b.escalationPath}`,
    ].join('\n'),
  };
}

/** A problem that keeps coming back: executives and account management get its history (M7.5). */
export function chronicRecurrenceNotice(i: IncidentRef, r: Recurrence): Notice {
  const history = r.priorIncidents.map((p) =>
    `- ${p.detectedAt.slice(0, 16).replace('T', ' ')} UTC  ${p.id}  ${p.title}${p.resolvedAt ? `, resolved ${p.resolvedAt.slice(0, 16).replace('T', ' ')} UTC` : ', still open'}${p.rootCause ? `\n  Root cause: ${p.rootCause}` : ''}`);
  return {
    subject: `${tag(i)}: recurring for the ${ordinal(r.count + 1)} time in ${r.windowDays} days`,
    text: `Incident ${i.id} repeats ${r.count} earlier incident${r.count === 1 ? '' : 's'} of the same problem in the last ${r.windowDays} days. Customers are hearing about it again; the account teams may want to reach the key accounts before the next message.\n\nHistory:\n${history.join('\n')}`,
  };
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}
