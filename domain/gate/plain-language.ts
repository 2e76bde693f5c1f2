/**
 * Plain language (M2.1): a draft is checked before approval for jargon and acronyms (from a
 * glossary with plain replacements), internal service names and codenames, and readability by
 * the locale's own reading-ease formula where one exists. Every finding has its position in the
 * text and a suggestion. Pure.
 */
import { escapeRegex } from '../regex';

export type LintKind = 'jargon' | 'acronym' | 'internal-name' | 'codename' | 'readability';

export interface LintFinding {
  kind: LintKind;
  start: number;
  end: number;
  text: string;
  suggestion: string;
}

export interface LintOptions {
  /** Term → plain replacement. */
  glossary: Record<string, string>;
  /** Internal name → what customers know it as. */
  internalNames: Record<string, string>;
  codenames: string[];
  locale: string;
  /** Below this reading ease the text fails; without it readability never fails the text. */
  minReadingEase?: number;
  /** Acronyms customers read without help (UTC, EU); others are flagged. */
  knownAcronyms?: string[];
  /** Sentences longer than this are flagged; 25 words by default. */
  maxSentenceWords?: number;
}

export interface LintResult {
  /** Reading ease by the locale's formula; null where no formula exists for the language. */
  score: number | null;
  formula: string | null;
  findings: LintFinding[];
  passes: boolean;
}

const lang = (locale: string) => locale.toLowerCase().split(/[-_]/)[0];

/** A glossary as `config/glossary.json` holds it: plain replacements per language, and the company's names. */
export interface Glossary {
  /** Language → term → plain replacement. */
  terms: Record<string, Record<string, string>>;
  internalNames: Record<string, string>;
  codenames: string[];
  acronymsCustomersKnow: string[];
}

/** A glossary's terms, internal names and codenames for a locale (English terms as fallback). */
export function lintOptionsFor(glossary: Glossary, locale: string): LintOptions {
  const terms = glossary.terms;
  return {
    glossary: terms[lang(locale)] ?? terms.en,
    internalNames: glossary.internalNames,
    codenames: glossary.codenames,
    knownAcronyms: glossary.acronymsCustomersKnow,
    locale,
  };
}

/**
 * A whole-word, case-insensitive pattern: letters or digits on either side (in any script) mean
 * the term is inside another word and does not count; blanks inside a term match any blanks.
 */
function termPattern(term: string): RegExp {
  const body = term.trim().split(/\s+/).map(escapeRegex).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?:e?s)?(?![\\p{L}\\p{N}_])`, 'giu');
}

const isAcronym = (term: string) => /^[A-Z0-9]{2,}$/.test(term) && /[A-Z]/.test(term);

interface Formula {
  name: string;
  score(wordsPerSentence: number, syllablesPerWord: number): number;
  vowels: string;
  silentEnding?: RegExp;
}

const formulas: Record<string, Formula> = {
  en: { name: 'Flesch reading ease', score: (asl, asw) => 206.835 - 1.015 * asl - 84.6 * asw, vowels: 'aeiouy', silentEnding: /[^l]e$/ },
  de: { name: 'Flesch reading ease (Amstad)', score: (asl, asw) => 180 - asl - 58.5 * asw, vowels: 'aeiouyäöü' },
  fr: { name: 'Flesch reading ease (Kandel & Moles)', score: (asl, asw) => 207 - 1.015 * asl - 73.6 * asw, vowels: 'aeiouyàâéèêëîïôùûüœæ', silentEnding: /(?:[^aeiouy]e|es|ent)$/ },
  es: { name: 'Fernández Huerta', score: (asl, asw) => 206.84 - 0.6 * (asw * 100) - 1.02 * (100 / asl), vowels: 'aeiouáéíóúü' },
  it: { name: 'Flesch–Vacca', score: (asl, asw) => 217 - 1.3 * asl - 0.6 * (asw * 100), vowels: 'aeiouàèéìíòóù' },
  nl: { name: 'Flesch–Douma', score: (asl, asw) => 206.835 - 0.93 * asl - 77 * asw, vowels: 'aeiouyäëïöü' },
};

function syllables(word: string, f: Formula): number {
  const w = word.toLowerCase();
  const groups = w.match(new RegExp(`[${f.vowels}]+`, 'gu'))?.length ?? 0;
  const silent = f.silentEnding && groups > 1 && f.silentEnding.test(w) ? 1 : 0;
  return Math.max(1, groups - silent);
}

interface Sentence {
  start: number;
  end: number;
  words: string[];
}

function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[^.!?…\n]+(?:[.!?…]+|\n|$)/gu;
  for (const m of text.matchAll(re)) {
    const words = m[0].match(/\p{L}[\p{L}'’-]*/gu) ?? [];
    if (words.length) out.push({ start: m.index, end: m.index + m[0].trimEnd().length, words });
  }
  return out;
}

/** Reading ease of a text by its locale's formula, or null where the language has none. */
export function readingEase(text: string, locale: string): { score: number; formula: string } | null {
  const f = formulas[lang(locale)];
  const list = sentences(text);
  const words = list.flatMap((s) => s.words);
  if (!f || !words.length) return null;
  const syl = words.reduce((n, w) => n + syllables(w, f), 0);
  const score = f.score(words.length / list.length, syl / words.length);
  return { score: Math.round(score * 10) / 10, formula: f.name };
}

export function lintPlainLanguage(text: string, opts: LintOptions): LintResult {
  const findings: LintFinding[] = [];
  const taken: [number, number][] = [];
  const free = (s: number, e: number) => !taken.some(([a, b]) => s < b && e > a);
  const add = (kind: LintKind, start: number, end: number, suggestion: string) => {
    if (!free(start, end)) return;
    taken.push([start, end]);
    findings.push({ kind, start, end, text: text.slice(start, end), suggestion });
  };
  // Longest terms first, so "packet loss" wins over "loss" and a codename over its words.
  const byLength = <T extends [string, string]>(entries: T[]) => [...entries].sort((a, b) => b[0].length - a[0].length);
  for (const name of [...opts.codenames].sort((a, b) => b.length - a.length)) {
    for (const m of text.matchAll(termPattern(name))) {
      add('codename', m.index, m.index + m[0].length, 'leave the codename out; say what changed for customers');
    }
  }
  for (const [name, plain] of byLength(Object.entries(opts.internalNames))) {
    for (const m of text.matchAll(termPattern(name))) add('internal-name', m.index, m.index + m[0].length, `say "${plain}"`);
  }
  for (const [term, plain] of byLength(Object.entries(opts.glossary))) {
    for (const m of text.matchAll(termPattern(term))) {
      add(isAcronym(term) ? 'acronym' : 'jargon', m.index, m.index + m[0].length, `say "${plain}"`);
    }
  }
  const known = new Set((opts.knownAcronyms ?? []).map((a) => a.toUpperCase()));
  for (const m of text.matchAll(/(?<![\p{L}\p{N}_])[A-Z][A-Z0-9]{1,4}(?:s)?(?![\p{L}\p{N}_])/gu)) {
    const bare = m[0].replace(/s$/, '');
    // "(SSO)" right after its expansion is explained already.
    const explained = text[m.index - 1] === '(' && text[m.index + m[0].length] === ')';
    if (known.has(bare) || known.has(m[0]) || explained || !/[A-Z].*[A-Z]/.test(bare)) continue;
    add('acronym', m.index, m.index + m[0].length, 'spell it out or say what it means for customers');
  }
  const maxWords = opts.maxSentenceWords ?? 25;
  for (const s of sentences(text)) {
    if (s.words.length > maxWords) {
      findings.push({ kind: 'readability', start: s.start, end: s.end, text: text.slice(s.start, s.end), suggestion: `split this sentence of ${s.words.length} words` });
    }
  }
  const ease = readingEase(text, opts.locale);
  if (ease && opts.minReadingEase !== undefined && ease.score < opts.minReadingEase) {
    findings.push({
      kind: 'readability', start: 0, end: text.length, text: '',
      suggestion: `use shorter sentences and simpler words: ${ease.formula} is ${ease.score}, the playbook needs ${opts.minReadingEase}`,
    });
  }
  findings.sort((a, b) => a.start - b.start || a.end - b.end);
  return { score: ease?.score ?? null, formula: ease?.formula ?? null, findings, passes: findings.length === 0 };
}
