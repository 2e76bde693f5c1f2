import type { Phase } from '../incident';
import type { ComponentStatus } from './';

/**
 * The status page's own words (translators keep them in config/page-strings/<locale>.json, one file per locale Herald ships email in),
 * and the choice of a reader's locale from `?lang=` and Accept-Language. Placeholders are `{name}`.
 */

export interface PageStrings {
  /** The BCP 47 tag for `<html lang>`. */
  lang: string;
  languageName: string;
  title: string;
  skip: string;
  banner: Record<'operational' | ComponentStatus, string>;
  status: Record<ComponentStatus, string>;
  phase: Record<Phase, string>;
  components: string;
  uptimeHeading: string;
  uptimeOver: string;
  dayNoIncidents: string;
  dayIncidents: string;
  ninetyDaysAgo: string;
  today: string;
  activeIncidents: string;
  noActiveIncidents: string;
  maintenance: string;
  noMaintenance: string;
  pastIncidents: string;
  noPastIncidents: string;
  history: string;
  historyOf: string;
  noIncidentsInMonth: string;
  previousMonth: string;
  nextMonth: string;
  affects: string;
  started: string;
  resolvedAt: string;
  backToStatus: string;
  notFoundTitle: string;
  notFoundText: string;
  subscribe: string;
  subscribeEmail: string;
  subscribeComponents: string;
  subscribeAll: string;
  subscribeButton: string;
  subscribeSentTitle: string;
  subscribeSentText: string;
  feeds: string;
  webhooks: string;
  webhooksText: string;
  unsubscribe: string;
  unsubscribeText: string;
  unsubscribeButton: string;
  unsubscribeSentTitle: string;
  unsubscribeSentText: string;
  confirmTitle: string;
  confirmText: string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedText: string;
  confirmEmailSubject: string;
  confirmEmailText: string;
  unsubscribeEmailSubject: string;
  unsubscribeEmailText: string;
  language: string;
  change: string;
  poweredBy: string;
}

/** The page's words per locale (`config/page-strings/<locale>.json`), in the order the switcher lists them. */
export type PageStringTables = Readonly<Record<string, PageStrings>>;

const language = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0];

/** A supported language of a tag (`pt-BR` → `pt`), or undefined. */
export function pageLocaleOf(tables: PageStringTables, tag: string | undefined): string | undefined {
  const l = tag ? language(tag) : undefined;
  return l && tables[l] ? l : undefined;
}

/**
 * The reader's locale: `?lang=` when Herald ships it, else the best of Accept-Language (by q,
 * then order), else English.
 */
export function negotiatePageLocale(tables: PageStringTables, lang: string | undefined, acceptLanguage: string | undefined): string {
  const asked = pageLocaleOf(tables, lang);
  if (asked) return asked;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const l = pageLocaleOf(tables, r.tag);
    if (l) return l;
  }
  return 'en';
}

export function pageStringsFor(tables: PageStringTables, locale: string): PageStrings {
  return tables[pageLocaleOf(tables, locale) ?? 'en'];
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
