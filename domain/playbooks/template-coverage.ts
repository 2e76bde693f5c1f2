import type { Playbook } from './schema';

/**
 * Whether the templates a playbook names exist in every locale its messages need (M2.3, M5.3).
 * Drafting renders a version from the named template and each other locale of the audience from
 * the same template's `<id>-<locale>` sibling; a locale without one is filled by the playbook's
 * `fallbackLocale`, or, when the playbook names none, stops the version. So a playbook needs its
 * own locale and its fallback, or, without a fallback, every locale its audience reads.
 */

export interface TemplateRef {
  templateId: string;
  locale: string;
}

export interface MissingTemplate {
  playbookId: string;
  tag: string;
  templateId: string;
  locale: string;
}

/** The locales a playbook's templates must exist in, for an audience that reads these locales. */
export function templateLocalesNeeded(playbook: Pick<Playbook, 'messages'>, audienceLocales: readonly string[]): string[] {
  const { locale, fallbackLocale } = playbook.messages;
  const needed = fallbackLocale ? [locale, fallbackLocale] : [locale, ...audienceLocales];
  return [...new Set(needed)].sort();
}

/** The template a message in this locale is rendered from: the template itself, or its sibling `<id>-<locale>`. */
export function templateInLocale(templates: readonly TemplateRef[], templateId: string, locale: string): boolean {
  return templates.some((t) => t.locale === locale && (t.templateId === templateId || t.templateId === `${templateId}-${locale}`));
}

/** Every template a classification tag names that is missing in a locale the playbook needs. */
export function missingPlaybookTemplates(
  playbook: Pick<Playbook, 'id' | 'messages' | 'classificationTags'>,
  templates: readonly TemplateRef[],
  audienceLocales: readonly string[],
): MissingTemplate[] {
  const locales = templateLocalesNeeded(playbook, audienceLocales);
  const missing: MissingTemplate[] = [];
  for (const [tag, req] of Object.entries(playbook.classificationTags)) {
    for (const templateId of req.templates) {
      for (const locale of locales) {
        if (!templateInLocale(templates, templateId, locale)) missing.push({ playbookId: playbook.id, tag, templateId, locale });
      }
    }
  }
  return missing;
}

/** One line per missing template, for the start-up report. */
export function describeMissingTemplate(m: MissingTemplate): string {
  return `playbook ${m.playbookId}: tag "${m.tag}" names template "${m.templateId}", which does not exist in locale ${m.locale}`;
}
