import type { Category } from './core';

/**
 * Recurring incidents (M7.5): which earlier incidents a new one repeats, and how the messages of
 * a recurring incident adapt for the people who already heard about the same problem. Pure: the
 * activity reads the candidates from the read model, the fan-out applies the adaptations.
 */

/** How far back an incident counts as the same problem, unless the playbook says otherwise. */
export const defaultRecurrenceWindowDays = 30;

/** An earlier incident as the read model lists it: what matching and the short message need. */
export interface RecurrenceCandidate {
  id: string;
  title: string;
  category: Category;
  components: string[];
  detectedAt: string;
  resolvedAt?: string;
  drill?: boolean;
  alertFingerprints?: string[];
  rootCause?: string;
}

/** What the new incident is matched by. */
export interface RecurrenceProbe {
  id: string;
  category: Category;
  components: string[];
  detectedAt: string;
  /** The alert that opened it, when monitoring did. */
  alertFingerprint?: string;
  windowDays: number;
  /** At this many earlier incidents the recurrence is chronic (escalated). */
  chronicThreshold?: number;
}

export interface PriorIncident {
  id: string;
  title: string;
  detectedAt: string;
  resolvedAt?: string;
  rootCause?: string;
  matchedBy: 'alert-fingerprint' | 'components';
}

export interface Recurrence {
  /** Earlier incidents of the same problem within the window. */
  count: number;
  windowDays: number;
  chronic: boolean;
  /** Newest first. */
  priorIncidents: PriorIncident[];
}

const day = 86_400_000;

const sameSet = (a: string[], b: string[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size > 0 && x.size === y.size && [...x].every((v) => y.has(v));
};

/** Where the read model should look: detected in [from, to). */
export function recurrenceWindow(probe: Pick<RecurrenceProbe, 'detectedAt' | 'windowDays'>): { from: string; to: string } {
  const to = Date.parse(probe.detectedAt);
  return { from: new Date(to - probe.windowDays * day).toISOString(), to: new Date(to).toISOString() };
}

/**
 * The earlier incidents a new one repeats: detected within the window before it, not drills, and
 * either opened by the same alert fingerprint or of the same category on the same components.
 * Undefined when there are none.
 */
export function matchRecurrence(probe: RecurrenceProbe, candidates: RecurrenceCandidate[]): Recurrence | undefined {
  const { from, to } = recurrenceWindow(probe);
  const prior = candidates
    .filter((c) => c.id !== probe.id && !c.drill && c.detectedAt >= from && c.detectedAt < to)
    .flatMap((c): PriorIncident[] => {
      const byAlert = !!probe.alertFingerprint && (c.alertFingerprints ?? []).includes(probe.alertFingerprint);
      const byComponents = c.category === probe.category && sameSet(c.components, probe.components);
      if (!byAlert && !byComponents) return [];
      return [{
        id: c.id, title: c.title, detectedAt: c.detectedAt,
        ...(c.resolvedAt ? { resolvedAt: c.resolvedAt } : {}), ...(c.rootCause ? { rootCause: c.rootCause } : {}),
        matchedBy: byAlert ? 'alert-fingerprint' : 'components',
      }];
    })
    .sort((a, b) => (a.detectedAt < b.detectedAt ? 1 : a.detectedAt > b.detectedAt ? -1 : a.id < b.id ? -1 : 1));
  if (!prior.length) return undefined;
  const threshold = probe.chronicThreshold ?? Infinity;
  return { count: prior.length, windowDays: probe.windowDays, chronic: prior.length >= threshold, priorIncidents: prior };
}

/** How a playbook adapts a recurring incident's email (its `recurrence` block). */
export interface RecurrenceAdaptation {
  /** Recipients told about an earlier occurrence get the short message that links it. */
  shortMessage: boolean;
  /** Minor updates (no change of phase) fold into a digest of this many minutes per recipient. */
  digestMinutes: number;
  /** At most this many emails per recipient per day across incidents; minor updates beyond it are not sent (0 = no cap). */
  dailyCap: number;
}

/** What the email fan-out of a recurring incident's version carries. */
export interface RecurringBroadcast extends RecurrenceAdaptation {
  priorIncidents: PriorIncident[];
  /** The link to the earliest occurrence's page is built per recipient from this ID. */
  linkTo: string;
}

/** The email rate limit of a recurring incident: the playbook's, widened to its digest mode. */
export function recurringRateLimitMinutes(base: number, adaptation: Pick<RecurrenceAdaptation, 'digestMinutes'> | undefined): number {
  return Math.max(base, adaptation?.digestMinutes ?? 0);
}

export type AdaptationKind = 'short-message' | 'daily-cap' | 'digest';

/**
 * Whether a recipient's daily cap keeps this version from them: only minor updates (a version
 * after the first that keeps the phase) are ever capped; a status change always goes.
 */
export function capped(sentToday: number, cap: number, minorUpdate: boolean): boolean {
  return minorUpdate && cap > 0 && sentToday >= cap;
}

interface Content {
  subject: string;
  text: string;
  html: string;
}

const strings: Record<string, { again: (title: string, date: string) => string; cause: (c: string) => string; earlier: string }> = {
  en: {
    again: (t, d) => `This is the same problem as "${t}" on ${d}.`,
    cause: (c) => `What caused it then: ${c}`,
    earlier: 'What we said then and what we say now',
  },
  de: {
    again: (t, d) => `Es handelt sich um dasselbe Problem wie „${t}“ am ${d}.`,
    cause: (c) => `Die Ursache damals: ${c}`,
    earlier: 'Was wir damals und was wir heute sagen',
  },
  fr: {
    again: (t, d) => `Il s'agit du même problème que « ${t} » le ${d}.`,
    cause: (c) => `La cause à l'époque : ${c}`,
    earlier: 'Ce que nous avons dit alors et ce que nous disons maintenant',
  },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The short message for a recipient who already heard about the same problem: the version's
 * first paragraph, then one paragraph naming the earlier occurrence and its root cause, and the
 * link to its page. Built after the gate from approved text only (the version and the earlier
 * incident's published facts).
 */
export function shortRecurrenceMessage<C extends Content>(content: C, prior: PriorIncident, link: string, locale: string): C {
  const s = strings[locale.split('-')[0]] ?? strings.en;
  const first = content.text.split(/\n\s*\n/)[0].trim();
  const date = prior.detectedAt.slice(0, 10);
  const lines = [s.again(prior.title, date), ...(prior.rootCause ? [s.cause(prior.rootCause)] : [])];
  const text = `${first}\n\n${lines.join('\n')}\n${s.earlier}: ${link}\n`;
  const html = `<p>${escapeHtml(first)}</p>\n<p>${lines.map(escapeHtml).join('<br>')}<br><a href="${escapeHtml(link)}">${escapeHtml(s.earlier)}</a></p>\n`;
  return { ...content, text, html };
}
