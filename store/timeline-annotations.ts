import { Schema } from 'mongoose';
import type { TimelineAnnotation } from '../domain/timeline';
import { required, storedIn, type BoundModels } from './schema';

/** Reviewers' corrections of milestone times (M6.4): appended, never changed, so the original stays. */
export interface TimelineAnnotationDoc extends Omit<TimelineAnnotation, 'id'> {
  _id: string;
  incidentId: string;
}

const annotation = new Schema<TimelineAnnotationDoc>({
  ...required({ _id: String, incidentId: String, milestone: String, at: String, note: String, by: String, annotatedAt: String }),
});
annotation.index({ incidentId: 1, annotatedAt: 1 });

export const timelineAnnotationCollections = {
  TimelineAnnotation: storedIn('timeline_annotations', annotation),
};

export type TimelineAnnotationModels = BoundModels<typeof timelineAnnotationCollections>;

export async function annotationsOf(models: Pick<TimelineAnnotationModels, 'TimelineAnnotation'>, incidentId: string): Promise<TimelineAnnotation[]> {
  const docs = await models.TimelineAnnotation.find({ incidentId }).sort({ annotatedAt: 1 }).lean();
  return docs.map(({ _id, milestone, at, note, by, annotatedAt }) => ({ id: _id, milestone, at, note, by, annotatedAt }));
}
