import type { Severity } from '../incident';
import { deadlineSteps, type DeadlineStep, type IncidentRole } from '../playbooks/constants';
import type { Playbook } from '../playbooks/schema';

export interface RoleDeadline {
  step: DeadlineStep;
  role: IncidentRole;
  minutesFromDetection: number;
  /** Who holds the role by default (the incident may reassign it). */
  onCall: string;
  /** Told when the deadline passes with the step undone. */
  backup: string;
  /** The late first external message is replaced by the pre-approved holding statement. */
  publishHoldingStatementOnMiss: boolean;
}

/** The deadlines of an incident's first steps at a severity, earliest first. */
export function deadlinesFor(playbook: Playbook, severity: Severity): RoleDeadline[] {
  return playbook.deadlines
    .map((d) => ({
      step: d.step,
      role: d.role,
      minutesFromDetection: d.minutesFromDetection[severity],
      onCall: playbook.roles[d.role].onCall,
      backup: playbook.roles[d.role].backup,
      publishHoldingStatementOnMiss: d.step === 'first-external-message' && playbook.holdingStatement.autoPublish,
    }))
    .sort(
      (a, b) =>
        a.minutesFromDetection - b.minutesFromDetection || deadlineSteps.indexOf(a.step) - deadlineSteps.indexOf(b.step),
    );
}
