/**
 * Localization (M2.5): every locale of one message version carries the same facts — numbers,
 * times and dates, links, and variable values — and a version publishes only when every
 * required locale is present (or a named fallback stands in, and that is recorded). Pure.
 */

export type FactKind = 'number' | 'time' | 'link' | 'variable';

export interface LocaleDisagreement {
  kind: FactKind;
  locale: string;
  /** The facts in the reference locale and in the disagreeing one, normalised. */
  values: Record<string, string[]>;
}

export interface LocaleConsistency {
  consistent: boolean;
  reference?: string;
  disagreements: LocaleDisagreement[];
}

export type LocalizedVersion = string | { text: string; variables?: Record<string, string> };

const decimalComma = new Set(['de', 'fr', 'es', 'it', 'nl', 'pt', 'pl', 'sv', 'da', 'fi', 'nb', 'cs', 'ru', 'tr']);
const lang = (locale: string) => locale.toLowerCase().split(/[-_]/)[0];

function pad(n: number | string): string {
  return String(n).padStart(2, '0');
}

interface Extracted {
  text: string;
  facts: Record<Exclude<FactKind, 'variable'>, string[]>;
}

/** Takes facts out of a text one kind at a time, so a time's digits are not counted as numbers too. */
function extractFacts(text: string, locale: string): Extracted {
  const facts: Extracted['facts'] = { number: [], time: [], link: [] };
  let rest = text.replace(/https?:\/\/[^\s<>"')\]]+/gi, (url) => {
    facts.link.push(normalizeLink(url.replace(/[.,;:!?]+$/, ''), locale));
    return ' ';
  });
  rest = rest.replace(/\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2})?\s*(Z|UTC)?)?/g, (_m, y, mo, d, h, mi) => {
    facts.time.push(`${y}-${mo}-${d}`);
    if (h) facts.time.push(`${pad(h)}:${mi}`);
    return ' ';
  });
  rest = rest.replace(/\b(\d{1,2})([./])(\d{1,2})\2(\d{4})\b/g, (_m, a, sep, b, y) => {
    const usOrder = sep === '/' && lang(locale) === 'en' && !/^en-(gb|ie|au|nz|in)/i.test(locale);
    const [month, day] = usOrder ? [a, b] : [b, a];
    facts.time.push(`${y}-${pad(month)}-${pad(day)}`);
    return ' ';
  });
  rest = rest.replace(/\b(\d{1,2})[:h.](\d{2})\s*(am|pm|a\.m\.|p\.m\.)?(?=\W|$)(?!\d)/gi, (m, h, mi, ampm, offset: number, all: string) => {
    // "1.5" is a number, not a time: a dot counts as a time separator only before "Uhr" or "h".
    if (m.includes('.') && !ampm && !/^\s*(Uhr|h)\b/i.test(all.slice(offset + m.length))) return m;
    let hour = Number(h);
    const ap = ampm?.toLowerCase().replace(/\./g, '');
    if (ap === 'pm' && hour < 12) hour += 12;
    if (ap === 'am' && hour === 12) hour = 0;
    facts.time.push(`${pad(hour)}:${mi}`);
    return ' ';
  });
  const comma = decimalComma.has(lang(locale));
  rest.replace(/\d[\d.,\u00a0\u202f ]*\d|\d/g, (m) => {
    facts.number.push(normalizeNumber(m.trim(), comma));
    return ' ';
  });
  return { text: rest, facts };
}

function normalizeNumber(raw: string, decimalCommaLocale: boolean): string {
  let s = raw.replace(/[\u00a0\u202f ]/g, '');
  const [group, decimal] = decimalCommaLocale ? ['.', ','] : [',', '.'];
  s = s.split(group).join('').replace(decimal, '.');
  const n = Number(s);
  return Number.isFinite(n) ? String(n) : raw;
}

/** A localized page of the same link is the same link: the locale segment and lang parameter go. */
function normalizeLink(url: string, locale: string): string {
  try {
    const u = new URL(url);
    const l = locale.toLowerCase();
    u.pathname = u.pathname.split('/').filter((seg) => seg.toLowerCase() !== l && seg.toLowerCase() !== lang(locale)).join('/') || '/';
    for (const p of ['lang', 'locale', 'hl']) u.searchParams.delete(p);
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

const sorted = (xs: string[]) => [...xs].sort();
const same = (a: string[], b: string[]) => a.length === b.length && sorted(a).every((v, i) => v === sorted(b)[i]);

/**
 * Compares every locale of one version with a reference locale (English when present, otherwise
 * the first in alphabetical order). Variables listed as localized (a formatted date, say) are
 * compared by presence only.
 */
export function checkLocaleConsistency(
  versionsByLocale: Record<string, LocalizedVersion>,
  opts: { reference?: string; localizedVariables?: string[] } = {},
): LocaleConsistency {
  const locales = Object.keys(versionsByLocale).sort();
  if (locales.length < 2) return { consistent: true, reference: locales[0], disagreements: [] };
  const reference = opts.reference ?? (locales.includes('en') ? 'en' : locales[0]);
  const localized = new Set(opts.localizedVariables ?? []);
  const read = (locale: string) => {
    const v = versionsByLocale[locale];
    const { text, variables } = typeof v === 'string' ? { text: v, variables: undefined } : v;
    const vars = Object.entries(variables ?? {}).map(([k, val]) => (localized.has(k) ? k : `${k}=${val}`));
    return { ...extractFacts(text, locale).facts, variable: vars };
  };
  const ref = read(reference);
  const disagreements: LocaleDisagreement[] = [];
  for (const locale of locales) {
    if (locale === reference) continue;
    const other = read(locale);
    for (const kind of ['number', 'time', 'link', 'variable'] as const) {
      if (!same(ref[kind], other[kind])) {
        disagreements.push({ kind, locale, values: { [reference]: sorted(ref[kind]), [locale]: sorted(other[kind]) } });
      }
    }
  }
  return { consistent: disagreements.length === 0, reference, disagreements };
}

export interface LocaleCoverage {
  ok: boolean;
  missing: string[];
  /** Each required locale and the locale that serves it. */
  served: Record<string, string>;
  /** Required locales served by the fallback: recorded with the publication. */
  fallbackUsed: string[];
}

/** Whether a version can publish: every required locale present, or a named fallback present to stand in. */
export function requiredLocalesPresent(required: string[], available: string[], fallback?: string): LocaleCoverage {
  const have = new Set(available);
  const served: Record<string, string> = {};
  const missing: string[] = [];
  const fallbackUsed: string[] = [];
  for (const locale of [...new Set(required)].sort()) {
    if (have.has(locale)) served[locale] = locale;
    else if (have.has(lang(locale)) && lang(locale) !== locale) served[locale] = lang(locale);
    else if (fallback && have.has(fallback)) {
      served[locale] = fallback;
      fallbackUsed.push(locale);
    } else missing.push(locale);
  }
  return { ok: missing.length === 0, missing, served, fallbackUsed };
}

/**
 * The words an email adds around a message's own text, in each language Herald's customers read
 * (M2.5): the link to the status page and the unsubscribe line. They follow the locale the
 * content is in, so a reader served by the fallback locale reads one language throughout.
 */
export interface EmailStrings {
  /** Plain-text line before the status-page link. */
  follow: string;
  /** Text of the status-page link in the HTML part. */
  followLink: string;
  /** Plain-text line before the unsubscribe link. */
  unsubscribe: string;
  /** Text of the unsubscribe link in the HTML part. */
  unsubscribeLink: string;
}

const emailStrings: Record<string, EmailStrings> = {
  en: {
    follow: 'Follow this incident:',
    followLink: 'Follow this incident on our status page',
    unsubscribe: 'To stop receiving these emails:',
    unsubscribeLink: 'Unsubscribe',
  },
  de: {
    follow: 'Diesen Vorfall verfolgen:',
    followLink: 'Diesen Vorfall auf unserer Statusseite verfolgen',
    unsubscribe: 'Um diese E-Mails nicht mehr zu erhalten:',
    unsubscribeLink: 'Abmelden',
  },
  fr: {
    follow: 'Suivre cet incident :',
    followLink: 'Suivre cet incident sur notre page d’état',
    unsubscribe: 'Pour ne plus recevoir ces e-mails :',
    unsubscribeLink: 'Se désabonner',
  },
  es: {
    follow: 'Siga este incidente:',
    followLink: 'Siga este incidente en nuestra página de estado',
    unsubscribe: 'Para dejar de recibir estos correos:',
    unsubscribeLink: 'Cancelar la suscripción',
  },
  pt: {
    follow: 'Acompanhe este incidente:',
    followLink: 'Acompanhe este incidente na nossa página de status',
    unsubscribe: 'Para não receber mais estes e-mails:',
    unsubscribeLink: 'Cancelar inscrição',
  },
  nl: {
    follow: 'Volg dit incident:',
    followLink: 'Volg dit incident op onze statuspagina',
    unsubscribe: 'Wilt u deze e-mails niet meer ontvangen:',
    unsubscribeLink: 'Afmelden',
  },
  ja: {
    follow: 'この障害の最新情報:',
    followLink: 'ステータスページでこの障害の最新情報を見る',
    unsubscribe: 'このメールの配信を停止するには:',
    unsubscribeLink: '配信停止',
  },
};

/** The locales whose email strings Herald ships, by language. */
export const emailLocales = Object.keys(emailStrings);

/** An email's own words in the content's locale: its language's, else English. */
export function emailStringsFor(locale: string | undefined): EmailStrings {
  return emailStrings[lang(locale ?? 'en')] ?? emailStrings.en;
}
