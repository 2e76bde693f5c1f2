/**
 * The fixed vocabularies of playbooks, free of zod: workflow code imports these (every module of
 * a workflow's bundle is evaluated again for each workflow, so a schema library there costs memory
 * per open incident).
 */

/** How far an incident reaches; a playbook is written for one tier. */
export const scopeTiers = ['single', 'multi-region', 'global'] as const;
export type ScopeTier = (typeof scopeTiers)[number];

export const channels = ['email', 'status-page', 'webhook', 'in-app', 'sms', 'slack', 'internal-email'] as const;
export type Channel = (typeof channels)[number];

export const audiences = [
  'customers', 'partners', 'regulators',
  'internal-support', 'account-management', 'engineering', 'executives', 'legal', 'pr', 'dpo',
] as const;
export type Audience = (typeof audiences)[number];

/** Audiences outside the company: what reaches them must be approved, redacted and pre-cleared language. */
export const externalAudiences: readonly Audience[] = ['customers', 'partners', 'regulators'];

export const approverRoles = ['legal', 'pr', 'executive', 'dpo'] as const;
export type ApproverRole = (typeof approverRoles)[number];

export const incidentRoles = ['communication-lead', 'drafter', 'reviewer', 'approver'] as const;
export type IncidentRole = (typeof incidentRoles)[number];

/** The steps of the first minutes of an incident, each with a deadline measured from detection. */
export const deadlineSteps = ['first-internal-notice', 'draft-ready', 'review-complete', 'approval', 'first-external-message'] as const;
export type DeadlineStep = (typeof deadlineSteps)[number];

/** What a blackout may hold back until remediation is done. */
export const heldDuringBlackout = ['internal-notifications', 'scheduled-updates'] as const;

/** Sorts approver roles in the matrix's canonical order, each once. */
export function orderedApprovers(roles: Iterable<ApproverRole>): ApproverRole[] {
  const set = new Set(roles);
  return approverRoles.filter((r) => set.has(r));
}
