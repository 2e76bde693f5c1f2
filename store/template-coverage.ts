import { isRestricted, reviewProblems } from '../domain/messages/governance';
import { describeMissingTemplate, missingPlaybookTemplates, type MissingTemplate } from '../domain/playbooks/template-coverage';
import { builtinTemplates } from '../domain/messages/templates';
import type { Store } from './connect';
import { currentPlaybooks } from './playbooks';
import { latestVersion } from './templates';

export interface TemplateCoverageReport {
  /** Templates a playbook's tags name that exist in no form (store or built in) in a needed locale. */
  missing: MissingTemplate[];
  /** Templates a restricted tag (data-exposure, regulated-customer) names whose review is not current: such incidents cannot use them. */
  unreviewed: { playbookId: string; tag: string; templateId: string; reasons: string[] }[];
}

/**
 * Checks the stored playbooks against the template registry (M2.3, M5.3): every template a
 * classification tag names must exist in every locale the playbook needs, and a template that a
 * restricted tag names must carry a current legal and data-protection review. The worker runs it
 * at start and reports every gap loudly; it does not refuse to start, since the publication check
 * still stops any version that would go out unreviewed and other incidents must keep running.
 */
export async function templateCoverage(store: Store, now = new Date()): Promise<TemplateCoverageReport> {
  const playbooks = (await currentPlaybooks(store)).map((p) => p.playbook);
  const stored = await store.models.Template.find({}, { _id: 0, templateId: 1, locale: 1 }).lean<{ templateId: string; locale: string }[]>();
  const locales = ((await store.models.Customer.distinct('locale')) as unknown[]).filter((l): l is string => typeof l === 'string' && l.length > 0);
  const refs = [...stored, ...builtinTemplates];
  const missing = playbooks.flatMap((p) => missingPlaybookTemplates(p, refs, locales));
  const unreviewed: TemplateCoverageReport['unreviewed'] = [];
  const reviews = new Map<string, string[]>();
  for (const p of playbooks) {
    for (const [tag, req] of Object.entries(p.classificationTags)) {
      if (!isRestricted([tag])) continue;
      for (const templateId of req.templates) {
        if (!reviews.has(templateId)) {
          const t = await latestVersion(store.models, templateId);
          reviews.set(templateId, t ? reviewProblems(t, now) : builtinTemplates.some((b) => b.templateId === templateId) ? ['it is built in but not in the template registry, so it has no review'] : []);
        }
        const reasons = reviews.get(templateId)!;
        if (reasons.length) unreviewed.push({ playbookId: p.id, tag, templateId, reasons });
      }
    }
  }
  return { missing, unreviewed };
}

/** The report as log lines; empty when every named template is there and reviewed. */
export function describeTemplateCoverage(r: TemplateCoverageReport): string[] {
  return [
    ...r.missing.map(describeMissingTemplate),
    ...r.unreviewed.map((u) => `playbook ${u.playbookId}: tag "${u.tag}" names template "${u.templateId}", which restricted incidents cannot use: ${u.reasons.join('; ')}`),
  ];
}
