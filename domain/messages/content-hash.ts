import { canonicalJson } from '../audit/canonical-json';
import { sha256Hex } from '../audit/sha256';

/** The content hash of a message version: the identity an approval binds to. Pure, so workflows use it too. */
export function contentHash(subject: string, text: string): string {
  return sha256Hex(canonicalJson({ subject, text }));
}

/** The hash of a version with its translations: any locale changed is a different version (M2.5). */
export function localizedContentHash(subject: string, text: string, translations?: Record<string, { subject: string; text: string }>): string {
  const locales = Object.keys(translations ?? {});
  if (!locales.length) return contentHash(subject, text);
  const t = Object.fromEntries(locales.map((l) => [l, { subject: translations![l].subject, text: translations![l].text }]));
  return sha256Hex(canonicalJson({ subject, text, translations: t }));
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => htmlEscapes[c]);
}

/** Plain text as HTML paragraphs, every character escaped. */
export function textToHtml(text: string): string {
  return escapeHtmlText(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
