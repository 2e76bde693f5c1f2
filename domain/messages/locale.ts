/**
 * A locale as Herald names it: a language, optionally with a region (`de`, `pt-BR`). The one
 * pattern of the API, the playbooks, the service model and the workflow's check of an edit; free
 * of zod, so the workflow bundle can import it (the zod schema is in `locale-schema.ts`).
 */
export const localePattern = /^[a-z]{2}(-[A-Z]{2})?$/;

/** What a refusal of a malformed locale tells the caller. */
export const localeHint = 'a locale such as "de" or "pt-BR"';

export function isLocale(value: string): boolean {
  return localePattern.test(value);
}
