import { audiences, orderedApprovers, type ApproverRole, type Audience } from '../playbooks/constants';
import type { EscalationRule, Playbook } from '../playbooks/schema';
import { matchesCriteria, type Classification } from './criteria';

export interface EscalationFacts extends Classification {
  minutesOpen: number;
  customersAffected: number;
}

export interface EscalationOutcome {
  /** Audiences to tell on their internal channel, in the playbook's canonical audience order. */
  notify: Audience[];
  requiredApprovers: ApproverRole[];
  /** Ids of the rules that fired, in the playbook's order. */
  firedRules: string[];
}

function ruleFires(rule: EscalationRule, facts: EscalationFacts): boolean {
  return (
    matchesCriteria(rule, facts) &&
    (rule.minutesOpenAtLeast === undefined || facts.minutesOpen >= rule.minutesOpenAtLeast) &&
    (rule.customersAffectedAtLeast === undefined || facts.customersAffected >= rule.customersAffectedAtLeast)
  );
}

/**
 * The escalation rules that hold for an incident as it stands. Run it at declaration and after
 * every change (severity, tags, affected customers, time passing); rules already acted on can be
 * told apart by their ids.
 */
export function evaluateEscalations(playbook: Playbook, facts: EscalationFacts): EscalationOutcome {
  const fired = playbook.escalationRules.filter((r) => ruleFires(r, facts));
  const notify = new Set(fired.flatMap((r) => r.notify));
  return {
    notify: audiences.filter((a) => notify.has(a)),
    requiredApprovers: orderedApprovers(fired.flatMap((r) => r.requireApprovers)),
    firedRules: fired.map((r) => r.id),
  };
}

/**
 * The next minute (from detection) at which a duration rule would fire if nothing else changes,
 * so the workflow can set one timer instead of polling; undefined when no such rule is pending.
 */
export function nextEscalationMinute(playbook: Playbook, facts: EscalationFacts): number | undefined {
  const pending = playbook.escalationRules
    .filter((r) => r.minutesOpenAtLeast !== undefined && r.minutesOpenAtLeast > facts.minutesOpen)
    .filter((r) => ruleFires(r, { ...facts, minutesOpen: r.minutesOpenAtLeast! }))
    .map((r) => r.minutesOpenAtLeast!);
  return pending.length ? Math.min(...pending) : undefined;
}
