import { z } from 'zod';
import { escapeRegex } from '../regex';

/**
 * Customer inquiries routed to an incident's war room (M3.2). Nothing personal reaches the feed,
 * and nothing internal reaches the customer: the feed stores only stripped text, and the
 * customer-facing response is built from an allow-list of fields.
 */

export const inquirySources = ['support', 'social', 'email'] as const;

export const InquirySchema = z.object({
  source: z.enum(inquirySources),
  customerId: z.string().min(1).max(64).optional(),
  text: z.string().trim().min(1).max(5000),
  internalNote: z.string().trim().max(2000).optional().describe('For the war room only; never returned to the customer'),
});
export type InquiryInput = z.infer<typeof InquirySchema>;

export type PersonalDataKind = 'email' | 'card' | 'phone' | 'name';

export interface InquiryRecord {
  inquiryId: string;
  incidentId: string;
  source: (typeof inquirySources)[number];
  customerId?: string;
  text: string;
  internalNote?: string;
  redactions: Partial<Record<PersonalDataKind, number>>;
  receivedAt: Date;
  receivedBy: string;
}

const placeholder: Record<PersonalDataKind, string> = {
  email: '[email removed]',
  card: '[card number removed]',
  phone: '[phone removed]',
  name: '[name removed]',
};

// Every character RFC 5322 allows in an unquoted local part.
const local = String.raw`[\p{L}\p{N}.!#$%&'*+/=?^_\x60{|}~-]+`;
const label = String.raw`[\p{L}\p{N}-]+`;
const at = String.raw`(?:\s*@\s*|\s*[[({<]\s*at\s*[\])}>]\s*)`;
const dot = String.raw`(?:\.|\s*[[({<]\s*dot\s*[\])}>]\s*)`;
const emailPatterns = [
  // jane@acme.example, and the bracketed disguises: jane [at] acme (dot) example
  new RegExp(String.raw`${local}${at}${label}(?:${dot}${label})+`, 'giu'),
  // spelled out: jane at acme dot example (only with a spelled "dot", or ordinary prose would match)
  new RegExp(String.raw`${local}\s+at\s+${label}(?:\s+dot\s+${label})+`, 'giu'),
];

// 13 to 19 digits with at most one space or dash between them: every card number layout.
const cardPattern = /(?<!\p{Nd})(?:\p{Nd}[ -]?){12,18}\p{Nd}(?!\p{Nd})/gu;

// Digits with phone punctuation; the digit count and date check below decide.
const phoneCandidate = /(?<![\p{L}\p{Nd}_/:.-])(?:\+[ \t]*|\b00)?\(?\p{Nd}[\p{Nd} \t().-]{4,24}\p{Nd}(?![\p{L}\p{Nd}])/gu;
const datePattern = /^(?:\p{Nd}{4}[-./]\p{Nd}{1,2}[-./]\p{Nd}{1,2}|\p{Nd}{1,2}[-./]\p{Nd}{1,2}[-./]\p{Nd}{2,4})$/u;

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\P{Nd}/gu, '').length;
  return digits >= 7 && digits <= 15 && !datePattern.test(candidate.trim());
}

const apostrophes = /['’‘`]/;

/** A pattern for a name that ignores case, accents, apostrophe style and the spacing between its parts. */
function namePattern(name: string): string | undefined {
  const parts = name.normalize('NFKD').replace(/\p{M}/gu, '').split(/[\s\p{Pd}]+/u).filter(Boolean);
  if (!parts.length || parts.join('').length < 2) return undefined;
  const part = (p: string) =>
    [...p].map((ch) => (apostrophes.test(ch) ? `['’‘\`]` : /\p{L}/u.test(ch) ? `${escapeRegex(ch)}\\p{M}*` : escapeRegex(ch))).join('');
  const forwards = parts.map(part).join(String.raw`[\s\p{Pd}]+`);
  // "Smith, Jane" is the same person as "Jane Smith".
  const reversed = parts.length === 2 ? `|${part(parts[1])},?\\s*${part(parts[0])}` : '';
  return `${forwards}${reversed}`;
}

export interface StrippedText {
  text: string;
  removed: Partial<Record<PersonalDataKind, number>>;
}

/**
 * Removes personal data from an inquiry before it enters the war-room feed: email addresses
 * (also disguised ones), card-like numbers, phone numbers, and the names known from the
 * customer's record. Invisible characters and look-alike digits are normalised first, so they
 * cannot be used to slip anything past.
 */
export function stripPersonalData(text: string, knownNames: readonly string[]): StrippedText {
  const removed: Partial<Record<PersonalDataKind, number>> = {};
  const replace = (s: string, re: RegExp, kind: PersonalDataKind, accept: (m: string) => boolean = () => true) =>
    s.replace(re, (m) => {
      if (!accept(m)) return m;
      removed[kind] = (removed[kind] ?? 0) + 1;
      return placeholder[kind];
    });

  // NFKD folds full-width and other look-alike digits and letters to plain ones and splits accents off
  // letters, so names match with or without them; \p{Cf} are the invisible format characters.
  let out = text.normalize('NFKD').replace(/\p{Cf}/gu, '');
  for (const re of emailPatterns) out = replace(out, re, 'email');
  out = replace(out, cardPattern, 'card');
  out = replace(out, phoneCandidate, 'phone', isPhone);
  // Longest first, so "Acme Corp Europe" goes whole rather than leaving "Europe" behind.
  const names = [...new Set(knownNames)]
    .sort((a, b) => b.length - a.length)
    .map(namePattern)
    .filter((p): p is string => !!p);
  if (names.length) {
    out = replace(out, new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${names.join('|')})(?![\\p{L}\\p{M}\\p{N}])`, 'giu'), 'name');
  }
  return { text: out.normalize('NFC'), removed };
}

/** What the customer who asked is told: built only from public fields, so no internal note can leak into it. */
export interface CustomerResponse {
  inquiryId: string;
  incidentId: string;
  receivedAt: string;
  subject: string;
  text: string;
  statusPageUrl: string;
}

export function customerResponse(
  inquiry: Pick<InquiryRecord, 'inquiryId' | 'incidentId' | 'receivedAt'>,
  latest: { title: string; phase: string; subject: string; body: string; publishedAt: Date } | undefined,
  statusPageUrl: string,
): CustomerResponse {
  const text = latest
    ? `Thank you for getting in touch. We are aware of this issue and our team is on it.\n\n` +
      `Our latest update (${latest.phase}, ${latest.publishedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC):\n` +
      `${latest.subject}\n\n${latest.body}\n\nYou can follow every update at ${statusPageUrl}`
    : `Thank you for getting in touch. We are investigating an issue and will post updates at ${statusPageUrl}`;
  return {
    inquiryId: inquiry.inquiryId,
    incidentId: inquiry.incidentId,
    receivedAt: inquiry.receivedAt.toISOString(),
    subject: latest ? `Re: ${latest.title}` : 'We are looking into it',
    text,
    statusPageUrl,
  };
}
