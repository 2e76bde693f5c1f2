import { z } from 'zod';
import { incidentIdPattern } from '../incident';

/**
 * Feedback from support and account teams on what customers were told (M6.5): on one message
 * version of an incident, or on a template. A template revision cites the items it answers; a
 * feedback item no revision cites yet is unanswered.
 */

export const FeedbackSchema = z
  .object({
    incidentId: z.string().regex(incidentIdPattern, 'not a valid incident ID').optional(),
    version: z.number().int().min(1).optional().describe('The message version of that incident'),
    templateId: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/).optional(),
    confused: z.string().trim().max(2000).optional().describe('What confused customers'),
    missing: z.string().trim().max(2000).optional().describe('What customers missed in the message'),
  })
  .refine((f) => (f.incidentId && f.version) || f.templateId, { message: 'name a message (incidentId and version) or a template (templateId)', path: ['templateId'] })
  .refine((f) => !!(f.confused || f.missing), { message: 'say what confused customers or what was missing', path: ['confused'] });
export type FeedbackInput = z.infer<typeof FeedbackSchema>;

/** The cited feedback of a revision: IDs as Herald gives them. */
export const feedbackIdPattern = /^fb-[a-z0-9-]{4,64}$/;
export const RevisionSchema = z.object({
  reason: z.string().trim().min(1).max(1000).describe('Why this revision is made'),
  answers: z.array(z.string().regex(feedbackIdPattern, 'not a feedback ID')).max(50).default([]).describe('The feedback items this revision answers'),
});

/** The lines a briefing ends with (M6.5): where support and account teams send feedback on what customers were told. */
export function briefingFeedbackLines(publicUrl: string, incidentId: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return [
    '',
    'Feedback on what customers were told (what confused them, what was missing):',
    `POST ${base}/v1/feedback with your Herald key, {"incidentId":"${incidentId}","version":<n>,"confused":"…","missing":"…"}`,
    `The versions and the templates they came from: ${base}/v1/incidents/${encodeURIComponent(incidentId)}/message-templates`,
  ].join('\n');
}
