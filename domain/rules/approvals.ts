import type { Severity } from '../incident';
import { applyTags } from '../playbooks/select';
import { approverRoles, type ApproverRole } from '../playbooks/constants';
import type { Playbook } from '../playbooks/schema';
import { matchesCriteria, type Classification } from './criteria';

export interface ApprovalRequirement {
  approver: ApproverRole;
  /** Why this approver must sign off: the matrix rules and tags that call for them. */
  reasons: string[];
}

/** Who must approve an external message, and why, from the approval matrix and the classification tags. */
export function approvalRequirements(playbook: Playbook, facts: Classification): ApprovalRequirement[] {
  const reasons = new Map<ApproverRole, string[]>();
  const add = (approver: ApproverRole, reason: string) => reasons.set(approver, [...(reasons.get(approver) ?? []), reason]);
  for (const rule of playbook.approvalMatrix) {
    if (matchesCriteria(rule, facts)) add(rule.approver, rule.reason);
  }
  for (const tag of applyTags(playbook, facts.tags).appliedTags) {
    for (const approver of playbook.classificationTags[tag].approvers) add(approver, `tagged ${tag}`);
  }
  return approverRoles.filter((r) => reasons.has(r)).map((approver) => ({ approver, reasons: reasons.get(approver)! }));
}

/** The approver roles that must sign off, in the matrix's canonical order (legal, pr, executive, dpo). */
export function requiredApprovals(playbook: Playbook, facts: Classification): ApproverRole[] {
  return approvalRequirements(playbook, facts).map((r) => r.approver);
}

export interface ApprovalTimeout {
  approver: ApproverRole;
  minutes: number;
  onCall: string;
  /** Asked in the approver's place once the timeout passes. */
  backup: string;
}

export function approvalTimeout(playbook: Playbook, severity: Severity, approver: ApproverRole): ApprovalTimeout {
  const contact = playbook.approverContacts[approver];
  return { approver, minutes: playbook.approvalTimeoutMinutes[severity], onCall: contact.onCall, backup: contact.backup };
}
