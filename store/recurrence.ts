import { Schema } from 'mongoose';
import type { AdaptationKind } from '../domain/incident/recurrence';
import { collectionOf, isDuplicateKey } from './mongo';
import type { Models } from './models';
import { required, storedIn, type BoundModels } from './schema';

/**
 * What a recurring incident's email did differently for one recipient (M7.5): a short message
 * that links the earlier occurrence, a minor update held back by the daily cap, or folded into
 * the recurrence's digest. One record per version and recipient, written once.
 */
export interface RecurrenceAdaptationDoc {
  _id: string;
  incidentId: string;
  version: number;
  recipient: string;
  customerId?: string;
  kind: AdaptationKind;
  /** The earlier incident the recipient was told about (short message), when there was one. */
  priorIncident?: string;
  at: Date;
}

const adaptation = new Schema<RecurrenceAdaptationDoc>({
  ...required({ _id: String, incidentId: String, version: Number, recipient: String, kind: String, at: Date }),
  customerId: String,
  priorIncident: String,
});
adaptation.index({ incidentId: 1, version: 1 });

export const recurrenceCollections = {
  RecurrenceAdaptation: storedIn('recurrence_adaptations', adaptation),
};

export type RecurrenceModels = BoundModels<typeof recurrenceCollections>;

export const adaptationId = (incidentId: string, version: number, recipient: string) => `${incidentId}:${version}:${recipient}`;

/** Records adaptations, insert-only: a retried batch writes nothing twice. */
export async function recordAdaptations(models: Pick<RecurrenceModels, 'RecurrenceAdaptation'>, docs: RecurrenceAdaptationDoc[]): Promise<void> {
  if (!docs.length) return;
  try {
    await collectionOf(models.RecurrenceAdaptation).insertMany(docs, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

export function adaptationsOf(models: Pick<RecurrenceModels, 'RecurrenceAdaptation'>, incidentId: string, limit: number): Promise<RecurrenceAdaptationDoc[]> {
  return models.RecurrenceAdaptation.find({ incidentId }, { __v: 0 }).sort({ version: 1, recipient: 1 }).limit(limit).lean<RecurrenceAdaptationDoc[]>();
}

export async function adaptationCounts(models: Pick<RecurrenceModels, 'RecurrenceAdaptation'>, incidentId: string): Promise<Record<AdaptationKind, number>> {
  const groups = await models.RecurrenceAdaptation.aggregate<{ _id: AdaptationKind; n: number }>([{ $match: { incidentId } }, { $group: { _id: '$kind', n: { $sum: 1 } } }]);
  const counts: Record<AdaptationKind, number> = { 'short-message': 0, 'daily-cap': 0, digest: 0 };
  for (const g of groups) counts[g._id] = g.n;
  return counts;
}

type Receipts = Pick<Models, 'DeliveryReceipt'>;

/** Which of these addresses were emailed about any of the earlier incidents, and about which (the newest given first wins). */
export async function toldAbout(models: Receipts, priorIncidents: string[], recipients: string[]): Promise<Map<string, string>> {
  const docs = await collectionOf(models.DeliveryReceipt)
    .find({ incidentId: { $in: priorIncidents }, channel: 'email', outcome: 'sent', recipient: { $in: recipients } }, { projection: { recipient: 1, incidentId: 1 } })
    .toArray();
  const rank = new Map(priorIncidents.map((id, i) => [id, i]));
  const told = new Map<string, string>();
  for (const d of docs) {
    const known = told.get(d.recipient);
    if (known === undefined || rank.get(d.incidentId)! < rank.get(known)!) told.set(d.recipient, d.incidentId);
  }
  return told;
}

/** Emails sent to each of these addresses since a time, across incidents, leaving one version out (its own retried sends). */
export async function emailsSince(models: Receipts, recipients: string[], since: Date, except: { incidentId: string; version: number }): Promise<Map<string, number>> {
  const groups = await collectionOf(models.DeliveryReceipt).aggregate<{ _id: string; n: number }>([
    { $match: { recipient: { $in: recipients }, channel: 'email', outcome: 'sent', at: { $gte: since }, $nor: [{ incidentId: except.incidentId, version: except.version }] } },
    { $group: { _id: '$recipient', n: { $sum: 1 } } },
  ]).toArray();
  return new Map(groups.map((g) => [g._id, g.n]));
}
