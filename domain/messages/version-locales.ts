import { checkLocaleConsistency, type LocaleConsistency } from './localization';

/**
 * The locales of one message version (M2.5): the primary wording and its translations, as the
 * publication check and the translation API both compare them. Pure.
 */

export interface LocalizedWording {
  subject: string;
  text: string;
}

export interface VersionWording extends LocalizedWording {
  /** The primary locale; absent means the playbook's (or 'en'). */
  locale?: string;
  translations?: Record<string, LocalizedWording>;
}

/** Subject and text of every locale of a version, primary first, keyed by locale. */
export function versionTexts(v: VersionWording, defaultLocale = 'en'): Record<string, string> {
  const primary = v.locale ?? defaultLocale;
  const texts: Record<string, string> = { [primary]: `${v.subject}\n\n${v.text}` };
  for (const [locale, t] of Object.entries(v.translations ?? {})) {
    if (locale !== primary) texts[locale] = `${t.subject}\n\n${t.text}`;
  }
  return texts;
}

/** Whether every locale of a version states the same numbers, times, links as the primary one. */
export function versionConsistency(v: VersionWording, defaultLocale = 'en'): LocaleConsistency {
  return checkLocaleConsistency(versionTexts(v, defaultLocale), { reference: v.locale ?? defaultLocale });
}
