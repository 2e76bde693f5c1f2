import type { Category, Severity } from '../incident';
import { orderedApprovers, scopeTiers, type ApproverRole, type ScopeTier } from './constants';
import type { Playbook } from './schema';

export interface PlaybookQuery {
  category: Category;
  severity: Severity;
  scope: ScopeTier;
}

const tierIndex = (t: ScopeTier) => scopeTiers.indexOf(t);

/**
 * How well a playbook's tier fits the incident's: the exact tier first, then the nearest smaller
 * tier (a wider incident still gets a plan written for a wide one), then the nearest larger tier.
 */
function tierDistance(playbook: ScopeTier, wanted: ScopeTier): number {
  const d = tierIndex(wanted) - tierIndex(playbook);
  return d >= 0 ? d : scopeTiers.length - d;
}

/**
 * The playbook for an incident: same category, written for its severity, at the closest scope
 * tier. Among equals, one written for named severities beats one written for all; then by id,
 * so the choice never depends on the order playbooks were loaded in.
 */
export function selectPlaybook<P extends Playbook>(playbooks: readonly P[], q: PlaybookQuery): P | undefined {
  return playbooks
    .filter((p) => p.category === q.category && (!p.severities || p.severities.includes(q.severity)))
    .sort(
      (a, b) =>
        tierDistance(a.scope, q.scope) - tierDistance(b.scope, q.scope) ||
        (a.severities ? 0 : 1) - (b.severities ? 0 : 1) ||
        a.id.localeCompare(b.id),
    )[0];
}

/** What an incident's classification tags add to its playbook. */
export interface TagRequirements {
  /** Tags the playbook knows, in the order given. */
  appliedTags: string[];
  /** Tags the playbook says nothing about; they add nothing, and the caller may warn. */
  unknownTags: string[];
  templates: string[];
  requiredFields: string[];
  approvers: ApproverRole[];
}

/** The union of what each known tag requires: templates and fields in first-seen order, approvers in matrix order. */
export function applyTags(playbook: Playbook, tags: readonly string[]): TagRequirements {
  const appliedTags: string[] = [];
  const unknownTags: string[] = [];
  const templates = new Set<string>();
  const requiredFields = new Set<string>();
  const approvers = new Set<ApproverRole>();
  for (const tag of new Set(tags)) {
    const req = playbook.classificationTags[tag];
    if (!req) {
      unknownTags.push(tag);
      continue;
    }
    appliedTags.push(tag);
    req.templates.forEach((t) => templates.add(t));
    req.requiredFields.forEach((f) => requiredFields.add(f));
    req.approvers.forEach((a) => approvers.add(a));
  }
  return {
    appliedTags,
    unknownTags,
    templates: [...templates],
    requiredFields: [...requiredFields],
    approvers: orderedApprovers(approvers),
  };
}

/** Every template some classification tag of the playbook names: reserved for incidents with such a tag. */
export function tagTemplateIds(playbook: Playbook): string[] {
  return [...new Set(Object.values(playbook.classificationTags).flatMap((t) => t.templates))];
}

/** The fields a tagged incident's messages must fill that the given values leave empty. */
export function missingRequiredFields(requirements: TagRequirements, values: Record<string, unknown>): string[] {
  return requirements.requiredFields.filter((f) => {
    const v = values[f];
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
  });
}
