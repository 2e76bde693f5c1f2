import type { LocalizedText } from '../messages';
import { escapeHtmlText as escapeHtml } from '../messages/content-hash';

/**
 * Email digests (M3.4): what a recipient held back by the per-recipient rate limit gets later, in
 * one email. Ids and wording only; which updates are held is the rule in rate-limit.ts. Pure.
 */

/** One update a recipient did not get by email when it was published. */
export interface HeldUpdate {
  version: number;
  /** The subject as it passed the gate in the recipient's locale. */
  subject: string;
  /** ISO time the version was approved. */
  at: string;
}

/** One held update of one recipient: insert-only, so a retried batch finds the entry it wrote. */
export function digestEntryId(incidentId: string, recipient: string, version: number): string {
  return `${incidentId}#${recipient.toLowerCase()}#${version}`;
}

/** The version a digest quotes, stored once when the first recipient's update is held. */
export function heldVersionId(incidentId: string, version: number): string {
  return `${incidentId}#v${version}`;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function listed(updates: HeldUpdate[]): { text: string; html: string } {
  const sorted = [...updates].sort((a, b) => a.version - b.version);
  return {
    text: sorted.map((u) => `- ${when(u.at)}: ${u.subject}`).join('\n'),
    html: `<ul>\n${sorted.map((u) => `<li>${escapeHtml(when(u.at))}: ${escapeHtml(u.subject)}</li>`).join('\n')}\n</ul>`,
  };
}

/**
 * The digest of held updates: the latest update's text first (it states where things stand),
 * then every folded update with its time and subject.
 */
export function digestContent(incident: { title: string; severity: string }, latest: LocalizedText, updates: HeldUpdate[]): LocalizedText {
  const n = updates.length;
  const list = listed(updates);
  const intro = `This email brings together ${n} update${n === 1 ? '' : 's'} we held back so as not to flood your inbox:`;
  return {
    subject: `[${incident.severity}] Digest: ${n} update${n === 1 ? '' : 's'} on ${incident.title}`,
    text: `${latest.text}\n\n${intro}\n${list.text}`,
    html: `${latest.html}\n<p>${escapeHtml(intro)}</p>\n${list.html}`,
  };
}

/** An email that goes out while updates are held carries them, so no digest repeats older news later. */
export function withHeldUpdates(content: LocalizedText, held: HeldUpdate[]): LocalizedText {
  if (held.length === 0) return content;
  const list = listed(held);
  const intro = 'Earlier updates since our last email, brought up to date by this one:';
  return {
    subject: content.subject,
    text: `${content.text}\n\n${intro}\n${list.text}`,
    html: `${content.html}\n<p>${escapeHtml(intro)}</p>\n${list.html}`,
  };
}
