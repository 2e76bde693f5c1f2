import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Feedback items (M6.5), keyed by their ID, and the revision that answered each; and, per message
 * version an incident drafted from a template, which template version it came from.
 */
export interface FeedbackDoc {
  _id: string;
  incidentId?: string;
  version?: number;
  templateId?: string;
  /** The template version the message came from, when it named a message drafted from one. */
  templateVersion?: number;
  confused?: string;
  missing?: string;
  submittedBy: string;
  submittedAt: Date;
  answeredBy?: { templateId: string; version: number; reason: string; at: Date };
}

const feedback = new Schema<FeedbackDoc>({
  ...required({ _id: String, submittedBy: String, submittedAt: Date }),
  incidentId: String, version: Number, templateId: String, templateVersion: Number,
  confused: String, missing: String,
  answeredBy: { type: Schema.Types.Mixed, default: undefined },
});

export interface MessageTemplateUseDoc {
  /** `${incidentId}#${version}` */
  _id: string;
  incidentId: string;
  version: number;
  templateId: string;
  templateVersion?: number;
  draftedAt: string;
}

const messageTemplateUse = new Schema<MessageTemplateUseDoc>({
  ...required({ _id: String, incidentId: String, version: Number, templateId: String, draftedAt: String }),
  templateVersion: Number,
});
messageTemplateUse.index({ incidentId: 1 });

export const feedbackCollections = {
  Feedback: storedIn('feedback', feedback),
  MessageTemplateUse: storedIn('message_template_uses', messageTemplateUse),
};

export type FeedbackModels = BoundModels<typeof feedbackCollections>;

/** Records which template version a drafted message came from; a retried draft writes the same. */
export async function recordTemplateUse(models: Pick<FeedbackModels, 'MessageTemplateUse'>, use: MessageTemplateUseDoc): Promise<void> {
  await models.MessageTemplateUse.replaceOne({ _id: use._id }, use, { upsert: true });
}

/** The IDs among these that name no feedback item. */
export async function unknownFeedback(models: Pick<FeedbackModels, 'Feedback'>, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const known = new Set((await models.Feedback.find({ _id: { $in: [...ids] } }, { _id: 1 }).lean()).map((f) => f._id));
  return ids.filter((id) => !known.has(id));
}

/** Marks feedback items answered by a revision; one answered before keeps its first answer. */
export async function answerFeedback(models: Pick<FeedbackModels, 'Feedback'>, ids: readonly string[], answer: NonNullable<FeedbackDoc['answeredBy']>): Promise<void> {
  for (const id of ids) await models.Feedback.updateOne({ _id: id, answeredBy: { $exists: false } }, { $set: { answeredBy: answer } });
}
