import type { Tier } from '../audience/service-model';

/**
 * Direct outreach to top-tier accounts (M3.5): while the broadcast goes out, each affected
 * account's manager gets a task to call the customer with the approved talking points, and an
 * open task past its deadline escalates. Pure: the task's identity, its state and its emails.
 */

export const outreachStatuses = ['open', 'done', 'escalated'] as const;
export type OutreachStatus = (typeof outreachStatuses)[number];

export const outreachOutcomes = ['reached', 'voicemail', 'unreachable'] as const;
export type OutreachOutcome = (typeof outreachOutcomes)[number];

export interface TalkingPoints {
  subject: string;
  text: string;
}

/** What a task records, with its times as `T`: ISO strings here, dates where the store keeps it. */
export interface OutreachTaskFields<T = string> {
  incidentId: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  phone?: string;
  accountManager?: { name: string; email: string };
  /** The message version the talking points come from. */
  version: number;
  talkingPoints: TalkingPoints;
  createdAt: T;
  dueAt: T;
  status: OutreachStatus;
  completedAt?: T;
  completedBy?: string;
  outcome?: OutreachOutcome;
  notes?: string;
  escalatedAt?: T;
  escalatedTo?: string[];
}

/** One account's call, as the API and activities see it. */
export interface OutreachTask extends OutreachTaskFields {
  /** `${incidentId}#${customerId}` */
  id: string;
}

/** One task per incident and account: a retried or repeated creation finds the task it made. */
export function outreachTaskId(incidentId: string, customerId: string): string {
  return `${incidentId}#${customerId}`;
}

/** A task is overdue while nobody has recorded the call and its deadline has passed. */
export function isOverdue(task: Pick<OutreachTask, 'status' | 'dueAt'>, now: Date): boolean {
  return task.status !== 'done' && Date.parse(task.dueAt) <= now.getTime();
}

/** The same task and purpose always produce the same Message-ID, so a resend is recognisable. */
export function outreachMessageId(task: Pick<OutreachTask, 'incidentId' | 'customerId'>, purpose: 'assigned' | 'escalated', domain: string): string {
  return `<${task.incidentId}.outreach-${purpose}.${task.customerId}@${domain}>`;
}

/** Where the account manager records the call. */
export function completionUrl(publicUrl: string, task: Pick<OutreachTask, 'incidentId' | 'customerId'>): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/incidents/${encodeURIComponent(task.incidentId)}/outreach/${encodeURIComponent(task.customerId)}/complete`;
}

function callSheet(task: OutreachTask, url: string): string[] {
  return [
    `Customer: ${task.customerName} (${task.customerId}, ${task.tier})`,
    `Phone: ${task.phone ?? 'no phone number on record'}`,
    `Call by: ${task.dueAt}`,
    '',
    'Talking points (the approved public text; say nothing beyond it):',
    `  ${task.talkingPoints.subject}`,
    '',
    ...task.talkingPoints.text.split('\n').map((l) => `  ${l}`),
    '',
    'When you have called, record the outcome (reached, voicemail or unreachable):',
    `  POST ${url}`,
    '  {"outcome": "reached", "notes": "optional"}',
  ];
}

export function assignmentEmail(task: OutreachTask, title: string, url: string): { subject: string; text: string } {
  return {
    subject: `[Outreach] Call ${task.customerName} about ${title} by ${task.dueAt}`,
    text: [
      `Hello ${task.accountManager?.name ?? ''}`.trim() + ',',
      '',
      `Incident ${task.incidentId} (${title}) affects ${task.customerName}. Please call them directly before the deadline.`,
      '',
      ...callSheet(task, url),
    ].join('\n'),
  };
}

export function escalationEmail(task: OutreachTask, url: string): { subject: string; text: string } {
  return {
    subject: `[Outreach overdue] ${task.customerName} has not been called about incident ${task.incidentId}`,
    text: [
      `The direct call to ${task.customerName} was due at ${task.dueAt} and has not been recorded.`,
      `Account manager: ${task.accountManager ? `${task.accountManager.name} <${task.accountManager.email}>` : 'none on record'}`,
      '',
      ...callSheet(task, url),
    ].join('\n'),
  };
}
