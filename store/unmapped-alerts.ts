import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import { collectionOf, insertOnce } from './mongo';

/**
 * Alerts that mapped to no known component (M1.3), one document per fingerprint (`_id`):
 * Alertmanager discards response bodies, so an answer of `unmapped` alone would go unnoticed.
 * `count` is the number of deliveries; `noticeSentAt` is set once, when the first delivery told
 * the operators, so a repeating alert is one notice, not one per delivery.
 */
export interface UnmappedAlertDoc {
  _id: string;
  source: string;
  alertName: string;
  title: string;
  labels: Record<string, string>;
  /** Why it mapped to nothing: the rule it matched and any components the model does not know. */
  rule: string;
  unknownComponents: string[];
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  noticeSentAt?: Date;
}

const unmappedAlert = new Schema<UnmappedAlertDoc>({
  ...required({ _id: String, source: String, alertName: String, title: String, labels: Schema.Types.Mixed, rule: String }),
  unknownComponents: { type: [String], default: [] },
  ...required({ count: Number, firstSeenAt: Date, lastSeenAt: Date }),
  noticeSentAt: Date,
});

export const unmappedAlertCollections = {
  UnmappedAlert: storedIn('unmapped_alerts', unmappedAlert),
};

export type UnmappedAlertModels = BoundModels<typeof unmappedAlertCollections>;

export type UnmappedDelivery = Omit<UnmappedAlertDoc, '_id' | 'count' | 'firstSeenAt' | 'lastSeenAt' | 'noticeSentAt'> & { fingerprint: string; at: Date };

/**
 * Records one delivery of an unmapped alert; answers whether it is the first for its fingerprint
 * (the one that sends the notice). Insert first, so two deliveries racing on one fingerprint make
 * one document and one notice; a repeat counts and moves `lastSeenAt`. (FerretDB v1 applies `$inc`
 * as read-modify-write, so two repeats at the very same moment may count once; the entry stays.)
 */
export async function recordUnmappedAlert(models: UnmappedAlertModels, d: UnmappedDelivery): Promise<{ first: boolean }> {
  const { fingerprint, at, ...rest } = d;
  if (await insertOnce(models.UnmappedAlert, { _id: fingerprint, ...rest, count: 1, firstSeenAt: at, lastSeenAt: at })) return { first: true };
  await collectionOf(models.UnmappedAlert).updateOne(
    { _id: fingerprint },
    { $inc: { count: 1 }, $max: { lastSeenAt: at }, $set: { labels: rest.labels, title: rest.title, alertName: rest.alertName, rule: rest.rule, unknownComponents: rest.unknownComponents } },
  );
  return { first: false };
}

/** Unmapped alerts, most recently seen first, and how many deliveries they account for in all. */
export async function listUnmappedAlerts(models: UnmappedAlertModels, limit: number): Promise<{ fingerprints: number; deliveries: number; alerts: UnmappedAlertDoc[] }> {
  const alerts = await models.UnmappedAlert.find({}).sort({ lastSeenAt: -1 }).limit(limit).lean<UnmappedAlertDoc[]>();
  const fingerprints = await models.UnmappedAlert.countDocuments();
  const all = fingerprints > alerts.length ? await models.UnmappedAlert.find({}, { count: 1 }).lean<{ count: number }[]>() : alerts;
  return { fingerprints, deliveries: all.reduce((n, a) => n + a.count, 0), alerts };
}
