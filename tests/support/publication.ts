import { createPublicationActivities, type PublicationCheckRequest, type PublicationCheckResult } from '../../activities/publication';
import { localizedContentHash, textToHtml } from '../../domain/messages/content-hash';
import type { Playbook } from '../../domain/playbooks/schema';
import type { Harness } from './harness';

export type CheckedMessage = PublicationCheckRequest['message'];

/** The instant the publication-check tests draft and check at. */
export const checkedAt = '2025-06-01T12:00:00.000Z';

/** The publication check as the worker runs it, on the harness's store (read when it runs). */
export function publicationCheck(h: Harness): (req: PublicationCheckRequest) => Promise<PublicationCheckResult> {
  return (req) => createPublicationActivities({ store: h.store }).checkPublication(req);
}

/** A playbook's message policy in English that allows custom narratives and names legal and executive to disclose. */
export const basePolicy: Playbook['messages'] = {
  locale: 'en',
  customNarratives: { allowed: true, extraApprovals: [] },
  disclosureApprovers: ['legal', 'executive'],
};

/**
 * A version as the check receives it: an English investigating update by Riley Responder unless
 * told otherwise, its HTML rendered from its text and its hash taken of its wording (unless given).
 */
export function checkedMessage(m: Pick<CheckedMessage, 'version' | 'subject' | 'text'> & Partial<CheckedMessage>): CheckedMessage {
  const full: CheckedMessage = {
    phase: 'investigating', templateId: 'generic-investigating', createdAt: checkedAt, author: 'Riley Responder', locale: 'en', hash: '', html: '', ...m,
  };
  return { ...full, html: textToHtml(full.text), hash: m.hash ?? localizedContentHash(full.subject, full.text, full.translations) };
}

/** A translation of a version, with its HTML rendered from its text. */
export const translation = (subject: string, text: string) => ({ subject, text, html: textToHtml(text) });
