import { Schema } from 'mongoose';
import type { SurveyInvitationRow, SurveyResponseRow, SurveyScores } from '../domain/surveys';
import { collectionOf, insertOnce } from './mongo';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Post-incident surveys (M6.3): one invitation per incident and contact, keyed
 * `${incidentId}|${address}`, and at most one answer under the same key (the link's single use).
 */
export interface SurveyInvitationDoc {
  _id: string;
  incidentId: string;
  address: string;
  customerId: string;
  tier?: string;
  /** The language the contact reads the survey in. */
  language: string;
  /** The last message version the contact received, and the template version it was drafted from. */
  version: number;
  templateId?: string;
  templateVersion?: number;
  invitedAt: Date;
  remindedAt?: Date;
}

export interface SurveyResponseDoc {
  _id: string;
  incidentId: string;
  customerId: string;
  tier?: string;
  templateId?: string;
  templateVersion?: number;
  scores: SurveyScores;
  comment?: string;
  answeredAt: Date;
}

const invitation = new Schema<SurveyInvitationDoc>({
  ...required({ _id: String, incidentId: String, address: String, customerId: String, language: String, version: Number, invitedAt: Date }),
  tier: String, templateId: String, templateVersion: Number, remindedAt: Date,
});
invitation.index({ incidentId: 1 });

const response = new Schema<SurveyResponseDoc>({
  ...required({ _id: String, incidentId: String, customerId: String, answeredAt: Date }),
  tier: String, templateId: String, templateVersion: Number, comment: String,
  scores: { type: Schema.Types.Mixed, required: true },
});
response.index({ incidentId: 1 });

export const surveyCollections = {
  SurveyInvitation: storedIn('survey_invitations', invitation),
  SurveyResponse: storedIn('survey_responses', response),
};

export type SurveyModels = BoundModels<typeof surveyCollections>;

/** Writes an invitation once; a retried round finds the first (its time and template stay). */
export async function recordInvitation(models: Pick<SurveyModels, 'SurveyInvitation'>, doc: SurveyInvitationDoc): Promise<void> {
  await insertOnce(models.SurveyInvitation, doc);
}

export function findInvitation(models: Pick<SurveyModels, 'SurveyInvitation'>, id: string): Promise<SurveyInvitationDoc | null> {
  return collectionOf(models.SurveyInvitation).findOne({ _id: id });
}

export function invitationsOf(models: Pick<SurveyModels, 'SurveyInvitation'>, incidentId: string): Promise<SurveyInvitationDoc[]> {
  return collectionOf(models.SurveyInvitation).find({ incidentId }).toArray();
}

export async function markReminded(models: Pick<SurveyModels, 'SurveyInvitation'>, id: string, at: Date): Promise<void> {
  await collectionOf(models.SurveyInvitation).updateOne({ _id: id, remindedAt: { $exists: false } }, { $set: { remindedAt: at } });
}

/** Records a contact's answer: false when the link was used already. */
export function recordResponse(models: Pick<SurveyModels, 'SurveyResponse'>, doc: SurveyResponseDoc): Promise<boolean> {
  return insertOnce(models.SurveyResponse, doc);
}

/** The IDs among these invitations that have an answer. */
export async function answeredAmong(models: Pick<SurveyModels, 'SurveyResponse'>, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await collectionOf(models.SurveyResponse).find({ _id: { $in: [...ids] } }, { projection: { _id: 1 } }).toArray();
  return new Set(rows.map((r) => r._id));
}

/** Invitations and answers as the domain adds them up: of one incident, or of every incident but these. */
export async function surveyRows(
  models: Pick<SurveyModels, 'SurveyInvitation' | 'SurveyResponse'>,
  scope: { incidentId: string } | { excludeIncidents: string[] },
): Promise<{ invited: SurveyInvitationRow[]; answered: SurveyResponseRow[] }> {
  const filter = 'incidentId' in scope ? { incidentId: scope.incidentId } : scope.excludeIncidents.length ? { incidentId: { $nin: scope.excludeIncidents } } : {};
  const [invitations, responses] = await Promise.all([
    collectionOf(models.SurveyInvitation).find(filter).toArray(),
    collectionOf(models.SurveyResponse).find(filter).toArray(),
  ]);
  const optional = (d: { tier?: string; templateId?: string; templateVersion?: number }) => ({
    ...(d.tier ? { tier: d.tier } : {}), ...(d.templateId ? { templateId: d.templateId } : {}), ...(d.templateVersion !== undefined && d.templateVersion !== null ? { templateVersion: d.templateVersion } : {}),
  });
  return {
    invited: invitations.map((i) => ({ incidentId: i.incidentId, customerId: i.customerId, ...optional(i), reminded: !!i.remindedAt })),
    answered: responses.map((r) => ({
      incidentId: r.incidentId, customerId: r.customerId, ...optional(r), scores: r.scores,
      ...(r.comment ? { comment: r.comment } : {}), answeredAt: r.answeredAt.toISOString(),
    })),
  };
}
