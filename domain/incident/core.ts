/** Incident vocabularies and rules free of zod, for workflow code (see domain/playbooks/constants.ts). */

export const severities = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof severities)[number];

export const categories = [
  'data-breach',
  'security',
  'outage',
  'performance-degradation',
  'maintenance-gone-wrong',
  'third-party',
] as const;
export type Category = (typeof categories)[number];

/** The public phases of an incident, in the order a status page shows them. */
export const phases = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Phase = (typeof phases)[number];

export const incidentIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

export const workflowIdPrefix = 'incident-';

export function workflowIdFor(incidentId: string): string {
  return `${workflowIdPrefix}${incidentId}`;
}

/** SEV1 and SEV2 go to an approver before anything leaves; SEV3 and SEV4 publish at once. */
export function requiresApproval(severity: Severity): boolean {
  return severity === 'SEV1' || severity === 'SEV2';
}

/** Minutes from detection to the first external message (the playbook may tighten these). */
export const firstMessageDeadlineMinutes: Record<Severity, number> = {
  SEV1: 15,
  SEV2: 30,
  SEV3: 60,
  SEV4: 240,
};
