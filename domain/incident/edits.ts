import { isLocale } from '../messages/locale';
import type { Phase } from './core';
import { reject } from './refusals';

/** The wording an edit may change, and what the playbook allows of it. */
interface EditedWording {
  subject: string;
  text: string;
  phase: Phase;
  translations?: Record<string, { subject?: string; text?: string }>;
}

/**
 * Refuses an edit whose translations are malformed (an unknown locale, the version's own locale,
 * an empty subject or text) or whose new wording the playbook does not allow (template wording
 * only) (M2.2, M2.5).
 */
export function checkEditWording(
  edit: EditedWording,
  current: { subject: string; text: string; phase: Phase; locale: string },
  policy: { playbookId: string; customNarrativesAllowed: boolean },
): void {
  for (const [locale, t] of Object.entries(edit.translations ?? {})) {
    if (!isLocale(locale)) reject('InvalidLocale', `"${locale}" is not a locale such as "de" or "pt-BR"`);
    if (locale === current.locale) reject('InvalidLocale', `"${locale}" is the version's own locale; edit the text instead`);
    if (!t.subject?.trim() || !t.text?.trim()) reject('InvalidTranslation', `the ${locale} translation needs a subject and a text`);
  }
  const rewords = edit.subject.trim() !== current.subject || edit.text.trim() !== current.text || edit.phase !== current.phase;
  if (rewords && !policy.customNarrativesAllowed) {
    reject('CustomNarrativeNotAllowed', `playbook ${policy.playbookId} allows only template wording; custom narratives are not allowed`);
  }
}
