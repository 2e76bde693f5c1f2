import { escapeHtmlText as escapeHtml } from '../messages/content-hash';
import { deliveryKey, messageIdFor, metadataHeaders, type MessageMetadata } from '../messages';
import type { BroadcastDelivery, BroadcastEmailConfig } from '../delivery';
import { unsubscribeHeaders } from '../tracking/unsubscribe';
import { surveyStringsFor } from './strings';

/**
 * Post-incident surveys (M6.3): after the resolution, the contacts of the key accounts that were
 * emailed about an incident are asked three questions on a 1–5 scale (clarity, frequency,
 * usefulness) and for free text, with one reminder. This module builds the email, checks the
 * scores, and adds the answers up per incident, per account and per template version.
 */

export const surveyQuestions = ['clarity', 'frequency', 'usefulness'] as const;
export type SurveyQuestion = (typeof surveyQuestions)[number];
export type SurveyScores = Record<SurveyQuestion, number>;
export const scoreRange = { min: 1, max: 5 } as const;

export type SurveyRound = 'invitation' | 'reminder';

/** The delivery channel of each round: an invitation and its reminder never share a key. */
export const surveyChannels: Record<SurveyRound, string> = { invitation: 'survey', reminder: 'survey-reminder' };

/**
 * A survey email's words in a contact's locale: what the gate passes. The incident's ID and the
 * links are added after it, as fan-out adds its links, so the gate never takes Herald's own
 * references for secrets.
 */
export interface SurveyContent {
  language: string;
  round: SurveyRound;
  subject: string;
  text: string;
  html: string;
}

export function surveyContent(round: SurveyRound, locale: string | undefined): SurveyContent {
  const { language, words } = surveyStringsFor(locale);
  const paragraphs = [words.intro, ...(round === 'reminder' ? [words.reminder] : [])];
  return {
    language, round,
    subject: round === 'reminder' ? words.reminderSubject : words.subject,
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n'),
  };
}

/**
 * The survey email one contact gets: the gated content with the incident's ID in the subject, the
 * contact's form link and unsubscribe link, its idempotency key and Message-ID (one per incident, round and contact).
 */
export function surveyEmail(
  content: SurveyContent,
  s: { incidentId: string; severity: MessageMetadata['severity']; category: MessageMetadata['category']; to: string; formUrl: string; unsubscribeUrl: string },
  config: BroadcastEmailConfig,
): BroadcastDelivery {
  const { words } = surveyStringsFor(content.language);
  const channel = surveyChannels[content.round];
  // Version 0: a survey is about the incident, not one of its messages.
  const meta: MessageMetadata = { incidentId: s.incidentId, severity: s.severity, category: s.category, version: 0 };
  return {
    key: deliveryKey(s.incidentId, 0, channel, s.to),
    email: {
      from: config.fromAddress,
      to: s.to,
      subject: `${content.subject} (${s.incidentId})`,
      text: [content.text, `${words.linkLine} ${s.formUrl}`, `${words.unsubscribe} ${s.unsubscribeUrl}`].join('\n\n'),
      html: [
        content.html,
        `<p>${escapeHtml(words.linkLine)} <a href="${escapeHtml(s.formUrl)}">${escapeHtml(words.title)}</a></p>`,
        `<p><small>${escapeHtml(words.unsubscribe)} <a href="${escapeHtml(s.unsubscribeUrl)}">${escapeHtml(s.unsubscribeUrl)}</a></small></p>`,
      ].join('\n'),
      messageId: messageIdFor({ ...meta, incidentId: `${s.incidentId}.${channel}` }, s.to, config.messageIdDomain),
      headers: { ...metadataHeaders(meta), 'Content-Language': content.language, 'X-Herald-Survey': content.round, ...unsubscribeHeaders(s.unsubscribeUrl) },
      metadata: { incident_id: s.incidentId, severity: s.severity, category: s.category, message_version: '0' },
    },
  };
}

// --- results ------------------------------------------------------------------------------------

/** One contact asked: the account, and the template version of the last message they received. */
export interface SurveyInvitationRow {
  incidentId: string;
  customerId: string;
  tier?: string;
  templateId?: string;
  templateVersion?: number;
  reminded: boolean;
}

/** One answer, with what its invitation says. */
export interface SurveyResponseRow extends Omit<SurveyInvitationRow, 'reminded'> {
  scores: SurveyScores;
  comment?: string;
  answeredAt: string;
}

export interface SurveyFigures {
  invited: number;
  reminded: number;
  responses: number;
  /** Answers per contact asked, 0 to 1 (3 decimals); null when nobody was asked. */
  responseRate: number | null;
  /** The mean score per question (2 decimals); null without answers. */
  means: Record<SurveyQuestion, number | null>;
}

export interface SurveyResults extends SurveyFigures {
  byAccount: (SurveyFigures & { customerId: string; tier?: string })[];
  byTemplateVersion: (SurveyFigures & { templateId: string | null; templateVersion: number | null })[];
  byIncident: (SurveyFigures & { incidentId: string })[];
  comments: { incidentId: string; customerId: string; templateId: string | null; templateVersion: number | null; text: string; answeredAt: string }[];
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function figures(invited: SurveyInvitationRow[], answered: SurveyResponseRow[]): SurveyFigures {
  const mean = (q: SurveyQuestion) => (answered.length ? round(answered.reduce((sum, r) => sum + r.scores[q], 0) / answered.length, 2) : null);
  return {
    invited: invited.length,
    reminded: invited.filter((i) => i.reminded).length,
    responses: answered.length,
    responseRate: invited.length ? round(answered.length / invited.length, 3) : null,
    means: { clarity: mean('clarity'), frequency: mean('frequency'), usefulness: mean('usefulness') },
  };
}

/** Rows grouped by a key, in the order of the keys' first appearance among the invitations. */
function grouped<K extends string>(invited: SurveyInvitationRow[], answered: SurveyResponseRow[], key: (r: Omit<SurveyInvitationRow, 'reminded'>) => K) {
  const groups = new Map<K, { invited: SurveyInvitationRow[]; answered: SurveyResponseRow[] }>();
  const at = (k: K) => groups.get(k) ?? groups.set(k, { invited: [], answered: [] }).get(k)!;
  for (const i of invited) at(key(i)).invited.push(i);
  for (const r of answered) at(key(r)).answered.push(r);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, g]) => ({ key: k, first: g.invited[0] ?? g.answered[0], ...figures(g.invited, g.answered) }));
}

/**
 * The survey's figures over these invitations and their answers: in all, per account, per
 * template version of the message the contacts last received, per incident, and the free text.
 * Drill incidents are never surveyed, and a caller leaves them out of what it passes.
 */
export function surveyResults(invited: SurveyInvitationRow[], answered: SurveyResponseRow[]): SurveyResults {
  const strip = <T extends { key: string; first: unknown }>({ key: _key, first: _first, ...rest }: T) => rest;
  return {
    ...figures(invited, answered),
    byAccount: grouped(invited, answered, (r) => r.customerId).map((g) => ({ customerId: g.key, ...(g.first.tier ? { tier: g.first.tier } : {}), ...strip(g) })),
    byTemplateVersion: grouped(invited, answered, (r) => (r.templateId ? `${r.templateId}@${r.templateVersion ?? ''}` : '')).map((g) => ({
      templateId: g.first.templateId ?? null, templateVersion: g.first.templateId ? (g.first.templateVersion ?? null) : null, ...strip(g),
    })),
    byIncident: grouped(invited, answered, (r) => r.incidentId).map((g) => ({ incidentId: g.key, ...strip(g) })),
    comments: answered
      .filter((r) => r.comment)
      .sort((a, b) => a.answeredAt.localeCompare(b.answeredAt))
      .map((r) => ({ incidentId: r.incidentId, customerId: r.customerId, templateId: r.templateId ?? null, templateVersion: r.templateId ? (r.templateVersion ?? null) : null, text: r.comment!, answeredAt: r.answeredAt })),
  };
}
