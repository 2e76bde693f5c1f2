import type { Audience } from '../playbooks/constants';
import type { Playbook } from '../playbooks/schema';

/** Who works the incident: the engineering audience of its internal notices. */
interface IncidentTeam {
  lead: string;
  reviewers: string[];
}

/** Where an internal audience is reached: the playbook's contacts and lists, and the team for engineering. */
export function audienceAddresses(pb: Playbook, audience: Audience, team: IncidentTeam): string[] {
  switch (audience) {
    case 'executives':
      return [pb.approverContacts.executive.onCall];
    case 'legal':
      return [pb.approverContacts.legal.onCall];
    case 'pr':
      return [pb.approverContacts.pr.onCall];
    case 'dpo':
      return [pb.approverContacts.dpo.onCall];
    case 'internal-support':
      return pb.briefings.lists['internal-support'] ?? [];
    case 'account-management':
      return pb.briefings.lists['account-management'] ?? [];
    case 'engineering':
      return [team.lead, ...team.reviewers];
    default:
      return [];
  }
}

/** The team escalation rules reach as "engineering": the playbook's on-call lead, as the rule was written. */
export function playbookTeam(pb: Playbook): IncidentTeam {
  return { lead: pb.roles['communication-lead'].onCall, reviewers: [] };
}

type InternalUpdateLevel = 'engineering' | 'internal' | 'executive';

/**
 * Who an internal update goes to, by its level (M4.2): engineering (the lead and the technical
 * reviewers) sees the internals, executives and the support and account lists only the summary.
 */
export function routeInternalUpdate(pb: Playbook, level: InternalUpdateLevel, team: IncidentTeam): { audience: Audience; to: string[] }[] {
  const audiences: Audience[] = level === 'engineering' ? ['engineering'] : level === 'executive' ? ['executives'] : ['internal-support', 'account-management'];
  return audiences.map((audience) => ({ audience, to: audienceAddresses(pb, audience, team) }));
}
