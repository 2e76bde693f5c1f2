import type { Category, Severity } from '../incident';

/** The conditions a playbook rule may state; a condition it leaves out always holds. */
export interface Criteria {
  severities?: readonly Severity[];
  categories?: readonly Category[];
  anyTags?: readonly string[];
}

export interface Classification {
  severity: Severity;
  category: Category;
  tags: readonly string[];
}

export function matchesCriteria(c: Criteria, facts: Classification): boolean {
  return (
    (!c.severities || c.severities.includes(facts.severity)) &&
    (!c.categories || c.categories.includes(facts.category)) &&
    (!c.anyTags || c.anyTags.some((t) => facts.tags.includes(t)))
  );
}
