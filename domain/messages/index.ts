import type { Category, Phase, Severity } from '../incident';

/**
 * Messages: a message version and its locales, the metadata every delivery carries (standard
 * headers, deterministic Message-IDs and idempotency keys). Beside it: templates, their schema,
 * rendering and governance, content hashes, localization, version locales and diffs.
 */

/** One version of an outgoing message, identified by its number and the hash of its content. */
export interface MessageVersion {
  version: number;
  hash: string;
  phase: Phase;
  subject: string;
  text: string;
  html: string;
  templateId: string;
  createdAt: string;
  author: string;
  /** The locale subject and text are written in; 'en' when absent. */
  locale?: string;
  /** The same version in other locales (M2.5): every locale of a version publishes together. */
  translations?: Record<string, LocalizedText>;
  /** The time the text names for the next update (its template's {{nextUpdate}}), when it names one. */
  nextUpdateAt?: string;
}

/** One locale of a message version, rendered. */
export interface LocalizedText {
  subject: string;
  text: string;
  html: string;
}

/** The subject, text and HTML a reader in this locale gets: their locale, else its language, else the primary. */
export function inLocale(m: MessageVersion, locale: string | undefined): LocalizedText & { locale: string } {
  const primary = m.locale ?? 'en';
  if (locale && locale !== primary) {
    const exact = m.translations?.[locale];
    if (exact) return { ...exact, locale };
    const language = locale.split('-')[0];
    const byLanguage = Object.entries(m.translations ?? {}).find(([l]) => l.split('-')[0] === language);
    if (byLanguage && language !== primary.split('-')[0]) return { ...byLanguage[1], locale: byLanguage[0] };
  }
  return { subject: m.subject, text: m.text, html: m.html, locale: primary };
}

/** The standard metadata that travels with every message and record (M7.6). */
export interface MessageMetadata {
  incidentId: string;
  severity: Severity;
  category: Category;
  version: number;
}

export function metadataHeaders(meta: MessageMetadata): Record<string, string> {
  return {
    'X-Herald-Incident-Id': meta.incidentId,
    'X-Herald-Severity': meta.severity,
    'X-Herald-Category': meta.category,
    'X-Herald-Message-Version': String(meta.version),
  };
}

/** The same incident, version and recipient always produce the same Message-ID, so a resend is recognisable. */
export function messageIdFor(meta: MessageMetadata, recipient: string, domain: string): string {
  const safe = recipient.toLowerCase().replace(/[^a-z0-9._-]/g, '_');
  return `<${meta.incidentId}.v${meta.version}.${safe}@${domain}>`;
}

/** The idempotency key of one delivery: one effect per incident, version, channel and recipient. */
export function deliveryKey(incidentId: string, version: number, channel: string, recipient: string): string {
  return `${incidentId}|v${version}|${channel}|${recipient.toLowerCase()}`;
}
